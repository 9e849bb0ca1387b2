import type { Context } from '../../graphql/context';
import { caseVisibility } from '../../access/visibility';
import { personalTextRedactor, type KnownPerson, type Redactor } from './redaction';

/**
 * Whom a piece of free text is about: the cases whose petitioners it concerns (a case's own facts,
 * a step's opinion, a finding on one of its records, feedback about it, an inspection's conclusion
 * about the cases of its findings), possibly none. `others` are further people the hub knows the
 * text may name and this reader sees masked (a feedback's submitter).
 */
export interface TextSubject {
  caseIds: readonly number[];
  others?: KnownPerson[];
}

const SHAPES_ONLY = personalTextRedactor([]);
/** Text about a case this request cannot load: whose values to look for is unknown, so none of it shows. */
const WITHHELD: Redactor = () => '****';

/** Per request: the redactor of each case's petitioner (null: this reader sees it in clear). */
const perRequest = new WeakMap<object, Map<number, Promise<Redactor | null>>>();

async function caseRedactor(ctx: Context, caseId: number): Promise<Redactor | null> {
  let cache = perRequest.get(ctx.loaders);
  if (!cache) perRequest.set(ctx.loaders, (cache = new Map()));
  let r = cache.get(caseId);
  if (!r) {
    r = (async () => {
      const c = await ctx.loaders.cases.load(caseId);
      // a case this request cannot load (e.g. not yet on a lagging replica): fail closed, the
      // petitioner's name and address would otherwise pass
      if (!c) return WITHHELD;
      if ((await caseVisibility(ctx, c)) === 'CLEAR') return null;
      return personalTextRedactor([ctx.services.petitioners.open(c.petitionerRecord)]);
    })();
    cache.set(caseId, r);
  }
  return r;
}

/**
 * The one function by which free text that may carry personal data reaches a reader (every read
 * path calls it: the GraphQL fields listed in graphql/free-text.ts, and any other path that hands
 * such text out). A reader entitled to every petitioner concerned in clear (visibilityFor) gets the
 * original; everyone else gets it redacted (redaction.ts): those petitioners' own values in any
 * spelling, and anything shaped like an ID number, a phone number or a house address. Text about no
 * case is redacted by shape for every reader: no one is entitled to what it might name. Text
 * about a case the request cannot load is withheld whole (`****`).
 */
export async function readerText<T extends string | null | undefined>(
  ctx: Context,
  subject: TextSubject,
  text: T,
): Promise<T> {
  if (!text) return text;
  const others = subject.others ?? [];
  const masked = (await Promise.all(subject.caseIds.map((id) => caseRedactor(ctx, id)))).filter(
    (r): r is Redactor => r !== null,
  );
  if (subject.caseIds.length && !masked.length) {
    // entitled to every petitioner concerned: only other people whom this reader sees masked are replaced
    return (others.length ? personalTextRedactor(others, { shapes: false })(text) : text) as T;
  }
  if (others.length) masked.push(personalTextRedactor(others));
  if (!masked.length) masked.push(SHAPES_ONLY);
  return masked.reduce((s, r) => r(s), text as string) as T;
}
