/**
 * Content comparison and verdict for `checkDuplicate` (DESIGN.md §4).
 *
 * Pure functions, no I/O. The service layer fetches the candidate terminated cases
 * (identity matches by blind index + the top ~20 by content), computes `compareContent` for
 * each in JS (key facts as values, key-facts.ts; IDF-weighted words, words.ts), and hands the
 * features to `judge`, which gives the verdict and each match's reasons.
 *
 * The question is "same person, same facts and reasons, already terminated?". Two kinds of
 * evidence are used, kept apart on purpose:
 *  - identity (ID number, or name + phone) decides *whose* matter it is;
 *  - content decides whether it is the *same* matter.
 * The costly error is DUPLICATE for a new matter of a known petitioner (it denies a lawful
 * petition), so DUPLICATE needs identity AND strong content AND no sign of new facts;
 * everything in between is POSSIBLE_DUPLICATE, i.e. a person looks at it. Strong content is
 * similar wording, or — for a retelling in other words — the facts: the case's event facts
 * restated (a dated month, a sum, an area, a price per m²) with nothing the case does not say.
 *
 * Signs of new facts: a date later than the old petition's acceptance, another value of a fact
 * the case states (another price, year, room), a new exact figure, a low share of known facts,
 * or new wording after "之前反映过".
 * Known limit: a full recap of the old facts followed by a new event told in words only
 * (no date, no figure, no reference to the earlier petition) can still pass; see the tests.
 */

import {
  compareKeyFacts,
  datesAgree,
  distinctFacts,
  extractKeyFacts,
  isSpecific,
  SOFT_KINDS,
  type FactComparison,
  type KeyFact,
  type PartialDate,
} from './key-facts';
import { termCosine, termVector, type TermVector } from './words';

// ---------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------

/**
 * NFKC folds full-width digits/letters/punctuation to half-width (１２３ → 123, ＡＢ → AB);
 * then lower-case and keep only letters and digits (drops punctuation and all whitespace),
 * so that formatting never changes a comparison.
 */
export function normaliseContent(text: string): string {
  return (text ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The text stored as `petition_case.dup_text`, from which the database derives the bigram set
 * that candidate retrieval looks up (dup-candidates.ts). Same as `normaliseContent`, so clause
 * boundaries and full/half-width variants do not change the bigrams. It is only for candidate
 * retrieval; the verdict uses `compareContent`.
 */
export function contentIndexText(text: string): string {
  return normaliseContent(text);
}

// ---------------------------------------------------------------------------------------
// Profile of a text: key facts (key-facts.ts), words (words.ts), character bigrams
// ---------------------------------------------------------------------------------------

export { parseNumeral, type PartialDate, type KeyFact } from './key-facts';

/** What a text says, prepared once for comparing it with many cases. */
export interface ContentProfile {
  /** normalised text with the figures cut out (they are compared as values) */
  text: string;
  /** character bigrams of `text`, inside clauses (a set) */
  bigrams: Set<string>;
  /** content words with their IDF weights */
  words: TermVector;
  facts: KeyFact[];
  /** the dates among the facts */
  dates: PartialDate[];
  /**
   * When the text refers to an earlier petition ("之前反映过", "已经处理过了"), the part
   * after the last such sentence: that is what is being raised now. Null without a
   * reference or when too little follows it to judge.
   */
  afterReference: ContentProfile | null;
}

/**
 * An explicit reference to an earlier petition or its handling: "(之前)反映过", "投诉过",
 * "已经处理过了", "已答复". A petitioner who frames a text this way usually goes on to say
 * what is new; a plain repeat rarely needs to.
 */
export const EARLIER_PETITION =
  /(反映|投诉|信访|上访|举报|申诉)过|(已经|已)被?(处理|答复|解决|办结|终结)(过|了)/;
/** Fewer bigrams than this after the reference: too little to judge. */
const MIN_BIGRAMS_AFTER_REFERENCE = 12;

/** `weight` gives a word's weight (default: the package IDF, words.ts); the evaluator tries others. */
export function profileContent(
  raw: string,
  weight?: (word: string) => number,
  /** false for a terminated case's text: only a new petition's reference matters */
  withReference = true,
): ContentProfile {
  if (!withReference) return { ...profileFacts(raw, weight), afterReference: null };
  const sentences = (raw ?? '').split(/(?<=[。！？；!?;\n])/);
  let last = -1;
  sentences.forEach((sentence, i) => {
    if (EARLIER_PETITION.test(sentence)) last = i;
  });
  const rest = last >= 0 ? profileFacts(sentences.slice(last + 1).join(''), weight) : null;
  return {
    ...profileFacts(raw, weight),
    afterReference:
      rest && rest.bigrams.size >= MIN_BIGRAMS_AFTER_REFERENCE ? { ...rest, afterReference: null } : null,
  };
}

function profileFacts(
  raw: string,
  weight?: (word: string) => number,
): Omit<ContentProfile, 'afterReference'> {
  const { facts, rest } = extractKeyFacts(raw);
  // bigrams inside clauses only: a pair across a comma or a cut-out number is noise
  const clauses = rest
    .split(/[^\p{L}\p{N}]+/u)
    .map(normaliseContent)
    .filter(Boolean);
  const bigrams = new Set<string>();
  for (const c of clauses) for (const g of ngrams(c, 2)) bigrams.add(g);
  return {
    text: clauses.join(''),
    bigrams,
    words: termVector(clauses.join('，'), weight),
    facts,
    dates: facts.filter((f) => f.kind === 'date').map((f) => f.date!),
  };
}

function ngrams(text: string, n: number): Set<string> {
  const chars = [...text];
  const out = new Set<string>();
  for (let i = 0; i + n <= chars.length; i++) out.add(chars.slice(i, i + n).join(''));
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

export function bigramDice(a: ContentProfile, b: ContentProfile): number {
  if (a.bigrams.size + b.bigrams.size === 0) return 0;
  let k = 0;
  for (const g of a.bigrams) if (b.bigrams.has(g)) k++;
  return (2 * k) / (a.bigrams.size + b.bigrams.size);
}

/**
 * Similarity of the wording, in [0, 1]: the IDF-weighted cosine of the content words (the
 * rare words of a matter count, template words hardly), averaged with the Dice of character
 * bigrams, which still sees words that segment differently (渗水/渗漏水, 交房/交付).
 */
export function textSimilarity(a: ContentProfile, b: ContentProfile): number {
  return round(WORD_SHARE * termCosine(a.words, b.words) + (1 - WORD_SHARE) * bigramDice(a, b));
}
export const WORD_SHARE = 0.5;

/**
 * How much the specific facts weigh beside the wording, at most. Retellings change the
 * wording but keep the dates, amounts and identifiers, while a related-but-new matter shares
 * the setting and not the facts. So facts carry real weight, but never most of it.
 */
export const FACT_WEIGHT_MAX = 0.4;
/** Comparable facts (the smaller of the two counts) at which the fact share gets its full weight. */
export const FACT_FULL_WEIGHT_AT = 4;

/**
 * Content similarity in [0, 1], symmetric: the wording, and the share of key facts that
 * agree (overlap coefficient: a retelling may leave facts out, those it states agree).
 */
export function contentSimilarity(a: string | ContentProfile, b: string | ContentProfile): number {
  const pa = typeof a === 'string' ? profileContent(a) : a;
  const pb = typeof b === 'string' ? profileContent(b) : b;
  return combine(pa, pb, textSimilarity(pa, pb), compareKeyFacts(pa.facts, pb.facts).agree.length);
}

/** The text share and the fact share together; `shared` = agreeing facts of a in b. */
function combine(pa: ContentProfile, pb: ContentProfile, text: number, shared: number): number {
  const n = Math.min(distinctFacts(pa.facts).length, distinctFacts(pb.facts).length);
  if (n === 0) return round(text);
  // greedy matching can differ by direction: take the larger
  const both = Math.max(shared, compareKeyFacts(pb.facts, pa.facts).agree.length);
  const w = FACT_WEIGHT_MAX * Math.min(1, n / FACT_FULL_WEIGHT_AT);
  return round((1 - w) * text + w * Math.min(1, both / n));
}

/**
 * Profiles of terminated cases' texts, kept per process: a profile depends on the text alone
 * (so a cached one is the same answer), and a check compares ~20 cases, often the same ones.
 * Bounded; the oldest entry goes first.
 */
const caseProfiles = new Map<string, ContentProfile>();
const CASE_PROFILE_CACHE = 2000;
export function caseProfile(text: string): ContentProfile {
  let p = caseProfiles.get(text);
  if (p) {
    caseProfiles.delete(text);
  } else {
    p = profileContent(text, undefined, false);
    if (caseProfiles.size >= CASE_PROFILE_CACHE) caseProfiles.delete(caseProfiles.keys().next().value!);
  }
  caseProfiles.set(text, p);
  return p;
}

/**
 * Profiles of new petitions' texts, kept per process like the cases' (the same text checked again,
 * by the clerk after a correction elsewhere or by another department, is segmented once). The
 * profile depends on the text alone, so a cached one gives the same answer.
 */
const queryProfiles = new Map<string, ContentProfile>();
const QUERY_PROFILE_CACHE = 500;
export function queryProfile(text: string): ContentProfile {
  let p = queryProfiles.get(text);
  if (p) {
    queryProfiles.delete(text);
  } else {
    p = profileContent(text);
    if (queryProfiles.size >= QUERY_PROFILE_CACHE) queryProfiles.delete(queryProfiles.keys().next().value!);
  }
  queryProfiles.set(text, p);
  return p;
}

/** Facts of a decision number ("浙信终字〔2024〕第46号"): its year and number, which a petition may cite. */
const decisionFacts = new Map<string, KeyFact[]>();
function knownOfDecision(n: string): KeyFact[] {
  let fs = decisionFacts.get(n);
  if (!fs) {
    const facts = extractKeyFacts(n).facts;
    // the year reads as a date and as a plain number ("2024年第46号")
    fs = [...facts, ...facts.filter((f) => f.kind === 'date').map((f) => ({ ...f, kind: 'count' as const }))];
    if (decisionFacts.size >= CASE_PROFILE_CACHE) decisionFacts.clear();
    decisionFacts.set(n, fs);
  }
  return fs;
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------
// New petition vs one terminated case
// ---------------------------------------------------------------------------------------

type DateLike = string | Date;

/** The terminated case as the comparison needs it. */
export interface TerminatedCaseContent {
  /** facts and reasons plus requests of the terminated case */
  text: string | ContentProfile;
  /** when the original petition was accepted: its facts cannot be later than this */
  acceptedAt?: DateLike | null;
  /** handling, review, re-review, termination approval and notice dates: a new petition may
   * cite them ("2023年复核维持") without stating a new fact */
  processDates?: Array<DateLike | null | undefined>;
  /** termination approval date; the reference when acceptedAt is unknown */
  terminatedAt?: DateLike | null;
  /** termination decision number, e.g. "浙信终字〔2024〕第46号" */
  decisionNumber?: string | null;
}

/** Features of one (new petition, terminated case) pair, the input `judge` needs. */
export interface ContentComparison {
  contentSimilarity: number;
  /** the wording alone (words and bigrams), for the verdict and for diagnosis */
  textSimilarity: number;
  /** key facts of the new petition (each distinct value once): total, found in the case, not found
   * (those that only cite the case's own procedure, its dates or decision number, count as neither) */
  factsInNew: number;
  sharedFacts: number;
  newFacts: number;
  /** new facts that a retelling would not produce by rewording: dates, identifiers, exact
   * figures (amounts, areas, prices, room numbers); not durations, counts or approximations */
  newExactFacts: number;
  /** facts of the new petition whose kind the case states with another value (another price, year, room) */
  conflictingFacts: number;
  /** shared facts that describe the event (a dated month, an exact sum, area, price, identifier),
   * not only its setting (a company, an estate, a room), which a later matter shares */
  sharedEventFacts: number;
  /** share of the case's own event facts that the new petition restates (1 when the case has none) */
  caseEventCoverage: number;
  /** dates in the new petition later than the case's acceptance (or termination) that are
   * neither in the case text nor one of its process dates: events the case cannot cover */
  newerDates: number;
  /** when the new petition refers to an earlier one: share of the bigrams after that
   * reference that the case also has (low = something else is being raised); else null */
  afterReferenceCoverage: number | null;
  /** agreeing and conflicting facts by kind, for the clerk (matchReasons) */
  facts: FactComparison;
}

export function compareContent(
  newContent: string | ContentProfile,
  old: TerminatedCaseContent,
): ContentComparison {
  const pn = typeof newContent === 'string' ? profileContent(newContent) : newContent;
  const po = typeof old.text === 'string' ? caseProfile(old.text) : old.text;
  // the old case's own procedure: its dates and decision number ("浙信终字〔2024〕第46号")
  // may be cited by a repeat petition without being a new fact
  const processDates = [old.acceptedAt, old.terminatedAt, ...(old.processDates ?? [])]
    .map(toPartialDate)
    .filter((d): d is PartialDate => d !== null);
  const known: KeyFact[] = [
    ...processDates.map((date) => ({
      kind: 'date' as const,
      lo: date.y,
      hi: date.y,
      unit: '',
      approx: false,
      date,
    })),
    ...(old.decisionNumber ? knownOfDecision(old.decisionNumber) : []),
  ];
  const facts = compareKeyFacts(pn.facts, po.facts, known);
  const text = textSimilarity(pn, po);
  const fresh = [...facts.conflict, ...facts.extra];
  const reference = toPartialDate(old.acceptedAt) ?? toPartialDate(old.terminatedAt);
  const knownDates = [...po.dates, ...processDates];
  const newerDates = reference
    ? pn.dates.filter((d) => isAfter(d, reference) && !knownDates.some((k) => datesAgree(d, k))).length
    : 0;
  return {
    contentSimilarity: combine(pn, po, text, facts.agree.length),
    textSimilarity: text,
    factsInNew: facts.agree.length + fresh.length,
    sharedFacts: facts.agree.length,
    newFacts: fresh.length,
    newExactFacts: fresh.filter(isExact).length,
    conflictingFacts: facts.conflict.filter(isExact).length,
    sharedEventFacts: facts.agree.filter(isEventFact).length,
    caseEventCoverage: coverage(distinctFacts(po.facts).filter(isEventFact), pn.facts),
    newerDates,
    afterReferenceCoverage: pn.afterReference ? round(containment(pn.afterReference, po)) : null,
    facts,
  };
}

function coverage(of: KeyFact[], by: KeyFact[]): number {
  return of.length ? round(compareKeyFacts(of, by).agree.length / of.length) : 1;
}

/** A fact a retelling keeps exactly: not a duration or count, not an approximation, not a decade. */
function isExact(f: KeyFact): boolean {
  return !SOFT_KINDS.has(f.kind) && !f.approx;
}

function isEventFact(f: KeyFact): boolean {
  return isSpecific(f) && f.kind !== 'organisation' && f.kind !== 'place' && f.kind !== 'room';
}

/** Share of a's bigrams that b also has. */
function containment(a: ContentProfile, b: ContentProfile): number {
  if (a.bigrams.size === 0) return 0;
  let k = 0;
  for (const g of a.bigrams) if (b.bigrams.has(g)) k++;
  return k / a.bigrams.size;
}

function toPartialDate(v: DateLike | null | undefined): PartialDate | null {
  if (v === null || v === undefined) return null;
  // a Date from a `date` column is local midnight: read it in local time, not UTC
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? null : { y: v.getFullYear(), m: v.getMonth() + 1, d: v.getDate() };
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

/** Strictly later at the precision the text gives: "2024年" is not after 2024-02-23. */
export function isAfter(d: PartialDate, ref: PartialDate): boolean {
  if (d.y2 !== undefined) return d.y > ref.y;
  if (d.y !== ref.y) return d.y > ref.y;
  if (d.m === undefined || ref.m === undefined) return false;
  if (d.m !== ref.m) return d.m > ref.m;
  if (d.d === undefined || ref.d === undefined) return false;
  return d.d > ref.d;
}

// ---------------------------------------------------------------------------------------
// Verdict
// ---------------------------------------------------------------------------------------

export type IdentityBy = 'ID_NUMBER' | 'NAME_PHONE';
export type DuplicateVerdict = 'DUPLICATE' | 'POSSIBLE_DUPLICATE' | 'NO_MATCH';

export interface DuplicateCandidate extends ContentComparison {
  caseId: string;
  /** the petitioner of the terminated case is the person asking now */
  sameIdentity: boolean;
  identityBy: IdentityBy | null;
  /** an ID number was given and differs from the case's; set by the caller when it knows */
  idNumberConflict?: boolean;
}

export interface DuplicateMatch {
  caseId: string;
  sameIdentity: boolean;
  contentSimilarity: number;
  score: number;
  /** why it was scored so, in Chinese, without personal data (matchReasons) */
  reasons: string[];
}

export interface DuplicateJudgement {
  verdict: DuplicateVerdict;
  matches: DuplicateMatch[];
}

/**
 * DUPLICATE needs this content similarity. On the dev set retellings of the same matter
 * score 0.57–0.72 (other wording, same dates and amounts) and related-but-new matters of
 * the same person (same project, new events) 0.13–0.40, because their facts are new.
 * 0.48 sits in the middle of that gap, so neither side is fitted tightly.
 */
export const DUPLICATE_MIN_SIMILARITY = 0.48;
/** ...and the wording itself must overlap this much, so that matching figures alone (a
 * short list of amounts) never make a duplicate. Retellings: bigram Dice >= ~0.3. */
export const DUPLICATE_MIN_TEXT_SIMILARITY = 0.25;
/** ...and at least this many specific facts (dates, amounts, identifiers) in common:
 * "same facts" must be shown by facts, not by a general description alone. */
export const DUPLICATE_MIN_SHARED_FACTS = 2;
/** ...and nearly all facts the new petition states must already be in the old case:
 * one stray figure (an age for a birth year, a rounded sum) is tolerated, more is new. */
export const DUPLICATE_MAX_NEW_FACTS = 1;
/** ...and that one may not be an exact fact (a date, an identifier, an exact figure such
 * as a new room number or sum): those are what a new matter brings. */
export const DUPLICATE_MAX_NEW_EXACT_FACTS = 0;
export const DUPLICATE_MIN_FACT_COVERAGE = 0.75;
/**
 * ...and when the petitioner refers to an earlier petition, what follows the reference must
 * itself be the old matter: at least this share of its bigrams found in the case. A whole
 * retelling has 0.36–0.61 of its bigrams in the case (dev set), the new part of a
 * related-but-new matter after "之前反映过" 0.09–0.35.
 */
export const DUPLICATE_MIN_COVERAGE_AFTER_REFERENCE = 0.35;

/** Same person and this similarity: related enough that a person should look (same
 * project or address, new facts). A same person's unrelated matter scores ~0.01–0.1. */
export const POSSIBLE_SAME_PERSON_MIN_SIMILARITY = 0.15;
/** Different person: only near-identical content is worth a look (neighbours in the same
 * project retell the same facts with their own figures: 0.53–0.76 on the dev set), while
 * the best of all cases for unrelated text stays below ~0.17 there and ~0.29 on generated sets. */
export const POSSIBLE_OTHER_PERSON_MIN_SIMILARITY = 0.35;
/** Matches shown to staff. */
export const MAX_MATCHES = 10;

/**
 * ...or, instead of that similarity, the facts carry it: at least this many shared facts
 * that describe the event (a dated month, an exact sum, area, price per m², identifier; a
 * company, estate or room alone is only the setting a later matter shares too) and no fact of
 * the new text unknown to the case, with the wording at least DUPLICATE_MIN_TEXT_WITH_FACTS.
 * A retelling at the petition window keeps the figures and changes the words ("一平方1850",
 * "两万多", request first, half as long): its wording scores 0.15–0.35.
 */
export const DUPLICATE_MIN_SHARED_EVENT_FACTS = 3;
export const DUPLICATE_MIN_TEXT_WITH_FACTS = 0.12;
/**
 * ...and the new text restates at least this share of the case's own event facts: a recap of
 * the purchase (date, price, handover) followed by another complaint (the garage floods) shares
 * three event facts but not the damage and the sum the case was about.
 */
export const DUPLICATE_MIN_CASE_EVENT_COVERAGE = 0.8;
/** ...or one event fact fewer when at least this many facts in all agree (a year, a duration, a company). */
export const DUPLICATE_MIN_SHARED_FACTS_BY_FACTS = 5;

/**
 * Every reason why a candidate cannot be a DUPLICATE; empty when it qualifies. All gates
 * are independent, so a related-but-new matter is usually stopped by several at once.
 */
export function duplicateBlockers(c: DuplicateCandidate): string[] {
  const why: string[] = [];
  if (!c.sameIdentity || c.identityBy === null) why.push('identity not matched');
  else if (c.idNumberConflict) why.push('ID number differs');
  if (c.newerDates > 0) why.push('dates after the case was filed');
  if (c.conflictingFacts > 0) why.push('conflicting facts');
  const byWording =
    c.contentSimilarity >= DUPLICATE_MIN_SIMILARITY && c.textSimilarity >= DUPLICATE_MIN_TEXT_SIMILARITY;
  const byFacts =
    c.caseEventCoverage >= DUPLICATE_MIN_CASE_EVENT_COVERAGE &&
    (c.sharedEventFacts >= DUPLICATE_MIN_SHARED_EVENT_FACTS ||
      (c.sharedEventFacts >= DUPLICATE_MIN_SHARED_EVENT_FACTS - 1 &&
        c.sharedFacts >= DUPLICATE_MIN_SHARED_FACTS_BY_FACTS)) &&
    c.newFacts === 0 &&
    c.textSimilarity >= DUPLICATE_MIN_TEXT_WITH_FACTS;
  if (!byWording && !byFacts) {
    if (c.contentSimilarity < DUPLICATE_MIN_SIMILARITY) why.push('content similarity');
    if (c.textSimilarity < DUPLICATE_MIN_TEXT_SIMILARITY) why.push('wording');
  }
  if (c.sharedFacts < DUPLICATE_MIN_SHARED_FACTS) why.push('few shared facts');
  if (c.newFacts > DUPLICATE_MAX_NEW_FACTS) why.push('new facts');
  if (c.newExactFacts > DUPLICATE_MAX_NEW_EXACT_FACTS) why.push('new exact facts');
  if (c.factsInNew > 0 && c.sharedFacts / c.factsInNew < DUPLICATE_MIN_FACT_COVERAGE)
    why.push('fact coverage');
  if (c.afterReferenceCoverage !== null && c.afterReferenceCoverage < DUPLICATE_MIN_COVERAGE_AFTER_REFERENCE)
    why.push('new content after a reference to the earlier petition');
  return why;
}

/**
 * Ranking score in [0, 1]: identity is worth 0.3, content 0.7. A candidate that does not
 * qualify as DUPLICATE is capped just below the lowest possible DUPLICATE score, so that
 * "score above the cap" reads as "the method calls this a duplicate"; among those, signs of
 * new facts (later dates, unknown figures) lower it, since they speak against "same matter".
 */
export function matchScore(c: DuplicateCandidate): number {
  const identity = isSamePerson(c) ? IDENTITY_SCORE : 0;
  const raw = identity + (1 - IDENTITY_SCORE) * c.contentSimilarity;
  // a duplicate shown by its facts may have plainer wording: it still ranks above every non-duplicate
  if (duplicateBlockers(c).length === 0) return round(Math.max(raw, NON_DUPLICATE_SCORE_CAP + 0.01));
  const newFactSigns = c.newerDates > 0 || c.newFacts > DUPLICATE_MAX_NEW_FACTS || c.newExactFacts > 0;
  return round(Math.min(NON_DUPLICATE_SCORE_CAP, raw * (newFactSigns ? 0.8 : 1)));
}

export const IDENTITY_SCORE = 0.3;
/** Lowest possible DUPLICATE score minus a little. */
export const NON_DUPLICATE_SCORE_CAP =
  IDENTITY_SCORE + (1 - IDENTITY_SCORE) * DUPLICATE_MIN_SIMILARITY - 0.01;

/**
 * The verdict over all candidates of one check. A candidate is shown when it reaches the
 * POSSIBLE level for its kind (same person / other person); the verdict is DUPLICATE when a
 * shown candidate passes every DUPLICATE gate, POSSIBLE_DUPLICATE when any is shown, else
 * NO_MATCH. Matches are sorted by score (a qualifying duplicate always first), at most 10;
 * the cut comes after the verdict and always keeps the match the verdict rests on.
 */
export function judge(candidates: DuplicateCandidate[]): DuplicateJudgement {
  const ranked = candidates
    .map((c) => ({ c, samePerson: isSamePerson(c) }))
    .map((x) => ({
      ...x,
      score: matchScore(x.c),
      dup: duplicateBlockers(x.c).length === 0,
      // the level at which a match calls for a person's judgement
      possible: x.samePerson
        ? x.c.contentSimilarity >= POSSIBLE_SAME_PERSON_MIN_SIMILARITY
        : x.c.contentSimilarity >= POSSIBLE_OTHER_PERSON_MIN_SIMILARITY,
    }))
    // the petitioner's own terminated matters are always listed (the clerk sees what the
    // earlier matter was about); other people's only when they reach the POSSIBLE level
    .filter((x) => x.samePerson || x.possible)
    .sort((x, y) => y.score - x.score || y.c.contentSimilarity - x.c.contentSimilarity);
  // the verdict over every listed candidate, before the cut for display
  const verdict: DuplicateVerdict = ranked.some((m) => m.dup && m.possible)
    ? 'DUPLICATE'
    : ranked.some((m) => m.possible)
      ? 'POSSIBLE_DUPLICATE'
      : 'NO_MATCH';
  // the petitioner's own low-scoring matters must not push out the match the verdict rests on
  const shown = ranked.slice(0, MAX_MATCHES);
  const driver = ranked.find((m) => m.possible && (verdict !== 'DUPLICATE' || m.dup));
  if (driver && !shown.includes(driver)) shown.splice(MAX_MATCHES - 1, 1, driver);
  return {
    verdict,
    matches: shown.map(({ c, samePerson, score }) => ({
      caseId: c.caseId,
      sameIdentity: samePerson,
      contentSimilarity: c.contentSimilarity,
      score,
      reasons: matchReasons(c),
    })),
  };
}

// ---------------------------------------------------------------------------------------
// Reasons shown to the clerk
// ---------------------------------------------------------------------------------------

const KIND_LABEL: Record<KeyFact['kind'], string> = {
  amount: '金额',
  area: '面积',
  unitPrice: '单价',
  date: '日期',
  duration: '期限',
  count: '数量',
  room: '门牌房号',
  code: '编号',
  organisation: '单位名称',
  place: '地名（小区、村）',
};
/**
 * The kinds named in reasons, in this order. Room numbers, places (小区、村) and identifiers are
 * masked in the shared case and left out even as a count: "一致的门牌房号" against "不一致的门牌房号"
 * would tell whether a guessed house number is in the case. They still count in the score.
 */
const REASON_ORDER: KeyFact['kind'][] = [
  'amount',
  'area',
  'unitPrice',
  'date',
  'organisation',
  'duration',
  'count',
];
/** Kinds whose values may point at the person: only counted, never shown. */
const VALUE_HIDDEN: ReadonlySet<KeyFact['kind']> = new Set(['organisation', 'count']);

function showValue(f: KeyFact): string {
  const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, ''));
  const v = f.approx && f.kind !== 'date' ? `约${n(f.lo)}–${n(f.hi)}` : n(f.lo);
  switch (f.kind) {
    case 'amount': {
      const wan = f.lo >= 10000;
      const x = (y: number) => (wan ? n(y / 10000) : n(y));
      return `${f.approx ? `约${x(f.lo)}–${x(f.hi)}` : x(f.lo)}${wan ? '万元' : '元'}`;
    }
    case 'area':
      return `${v}${f.unit}`;
    case 'unitPrice':
      return `${v}元/${f.unit}`;
    case 'duration':
      return `${v}${f.unit}`;
    case 'date': {
      const d = f.date!;
      if (d.y2 !== undefined) return `${d.y}年代`;
      return `${d.y}年${d.m ? `${d.m}月` : ''}${d.m && d.d ? `${d.d}日` : ''}`;
    }
    default:
      return '';
  }
}

function describe(facts: KeyFact[], lead: string): string[] {
  return REASON_ORDER.filter((k) => facts.some((f) => f.kind === k)).map((k) => {
    const of = facts.filter((f) => f.kind === k);
    return VALUE_HIDDEN.has(k)
      ? `${lead}${KIND_LABEL[k]}（${of.length}处）`
      : `${lead}${KIND_LABEL[k]}：${[...new Set(of.map(showValue))].join('、')}`;
  });
}

/**
 * Why a match was scored as it was, for the clerk: agreeing and conflicting key facts by
 * kind, new dates, and how close the wording is. No personal data: amounts, areas, prices
 * and dates are shown (they are the matter's facts, visible in the shared case as well);
 * organisation names and counts only counted; room numbers, places and identifiers not at
 * all, since they may be the petitioner's home address or otherwise point at the person.
 */
export function matchReasons(c: ContentComparison): string[] {
  const out = [
    ...describe(c.facts.agree, '一致的'),
    ...describe(c.facts.conflict, '不一致的'),
    ...describe(
      c.facts.extra.filter((f) => !SOFT_KINDS.has(f.kind)),
      '原事项未载明的',
    ),
  ];
  if (c.newerDates > 0) out.push(`有${c.newerDates}个日期晚于原事项受理，原事项不可能包含`);
  if (c.afterReferenceCoverage !== null && c.afterReferenceCoverage < DUPLICATE_MIN_COVERAGE_AFTER_REFERENCE)
    out.push('提及此前信访后所述内容与原事项不同');
  out.push(`文字相似度 ${c.textSimilarity.toFixed(2)}`);
  return out;
}

/** Name + phone that contradicts a given ID number is not the same person for display. */
function isSamePerson(c: DuplicateCandidate): boolean {
  return c.sameIdentity && c.identityBy !== null && !c.idNumberConflict;
}
