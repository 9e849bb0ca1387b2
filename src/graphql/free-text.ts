import type { IMiddlewareTypeMap } from 'graphql-middleware';
import type { IMiddlewareResolver } from 'graphql-middleware/dist/types';
import type { Context } from './context';
import { PetitionCase, type CaseStep } from '../modules/case/case.entity';
import type { ArchiveDocumentVersion } from '../modules/followup/followup.entity';
import type {
  AccountabilityRecord,
  Inspection,
  InspectionFinding,
  PublicFeedback,
  RectificationOrder,
} from '../modules/supervision/supervision.entity';
import { readerText, type TextSubject } from '../modules/petitioner/reader-text';
import {
  caseVisibility,
  knownCaseVisibility,
  submitterVisibility,
  type Visibility,
} from '../access/visibility';
import { supervisionLoaders } from '../modules/supervision/supervision.loaders';
import type { AuditLogEntry } from '../modules/audit/audit.resolver';

/**
 * Free text that reaches readers who may see the petitioner masked, field by field, with whom
 * each text is about (DESIGN.md §3). Every value passes through `readerText`: the original for a
 * reader entitled to that petitioner in clear, redacted for everyone else. Officers' follow-up
 * text (visit and tracking notes, escalation texts, application statements, archive text) is not
 * listed: it is null for those readers altogether (clearText in access/visibility.ts).
 *
 * Supervision text is typed by supervisors and may name a petitioner: it is about the case of the
 * finding it belongs to, so the handling unit's officers (who see that petitioner in clear) read it
 * as written, and administrators, supervisors (of any unit) and everyone else read it redacted.
 * A supervisor's reveal shows the petitioner's fields, not the text. An inspection's title and
 * conclusion are about the cases of its findings; text tied to no case (feedback about a unit, an
 * inspection without findings) is redacted by shape for everyone. A reason in the audit log (a
 * supervisor's reveal reason may name the petitioner) is about the entry's case, and every
 * supervisor reading the log reads it redacted.
 */
function freeText<R>(
  about: (root: R, ctx: Context) => TextSubject | Promise<TextSubject>,
): IMiddlewareResolver {
  return async (resolve, root: R, args, ctx: Context, info) => {
    const value: unknown = await resolve(root, args, ctx, info);
    if (typeof value !== 'string' || value === '') return value;
    return readerText(ctx, await about(root, ctx), value);
  };
}

const aboutCase = freeText((c: PetitionCase, ctx: Context) => {
  // the case at hand is the one the redaction needs: no second query for it (unless it was read
  // without its petitioner's record, as a page that selects no petitioner reads it)
  if (c instanceof PetitionCase && c.petitionerRecord) ctx.loaders.cases.prime(c.id, c);
  return { caseIds: [c.id] };
});
/**
 * A case's title: what readerText gives, read for a masked reader from the title redacted when the
 * case was written (sharing/search-text.ts caseMaskedTitle), so the petitioner's record is not
 * opened; a case without one yet (written before it was kept) goes through the redactor.
 */
// graphql-middleware passes a plain value through (its type says Promise only)
const caseTitle = ((resolve, root: PetitionCase, args, ctx: Context, info) => {
  const masked = root.maskedTitle;
  if (typeof masked !== 'string') return aboutCase(resolve, root, args, ctx, info);
  const pick = (value: unknown, visibility: Visibility) =>
    typeof value !== 'string' || value === '' || visibility === 'CLEAR' ? value : masked;
  const value: unknown = resolve(root, args, ctx, info);
  // without a promise when the page has primed its units (one per row adds up on a page)
  const known = knownCaseVisibility(ctx, root);
  if (known && !isPromise(value)) return pick(value, known);
  return Promise.all([value, known ?? caseVisibility(ctx, root)]).then(([v, vis]) => pick(v, vis));
}) as (...a: Parameters<IMiddlewareResolver>) => unknown as IMiddlewareResolver;
const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown>)?.then === 'function';
const aboutStep = freeText((s: CaseStep) => ({ caseIds: [s.case.id] }));
const aboutVersion = freeText((v: ArchiveDocumentVersion) => ({ caseIds: [v.caseId] }));
const aboutFinding = freeText((f: InspectionFinding) => ({ caseIds: [f.caseId] }));

/** An inspection's title and conclusion are about the cases of its findings. */
const aboutInspection = freeText(async (i: Inspection, ctx: Context) => ({
  caseIds: [...new Set((await supervisionLoaders(ctx).findingsByInspection.load(i.id)).map((f) => f.caseId))],
}));

/** A record tied to a finding is about the finding's case (none if the finding cannot be read). */
const viaFinding = freeText(async (r: RectificationOrder | AccountabilityRecord, ctx: Context) => {
  const finding = await supervisionLoaders(ctx).finding.load(r.finding.id);
  return { caseIds: finding ? [finding.caseId] : [] };
});

/** Feedback is about its case, if any, and names its submitter, whom most readers see masked. */
const aboutFeedback = freeText(async (f: PublicFeedback, ctx: Context) => {
  const subject: TextSubject = { caseIds: f.caseId != null ? [f.caseId] : [] };
  if (!f.submitterNameEnc && !f.submitterPhoneEnc) return subject;
  if ((await submitterVisibility(ctx, f)) === 'CLEAR') return subject;
  return { ...subject, others: [ctx.services.supervision.feedback.submitter(f, 'CLEAR')] };
});

/** A reason typed into the audit log (a reveal's) is about the entry's case, if any. */
const aboutAuditEntry = freeText((e: AuditLogEntry) => ({
  caseIds: e.caseId != null ? [Number(e.caseId)] : [],
}));

export const freeTextMiddleware: IMiddlewareTypeMap = {
  AuditLogEntry: { reason: aboutAuditEntry },
  Case: { title: caseTitle, factsAndReasons: aboutCase, requests: aboutCase },
  CaseStep: { opinion: aboutStep },
  ArchiveDocumentVersion: { title: aboutVersion },
  Inspection: { title: aboutInspection, conclusion: aboutInspection },
  InspectionFinding: { description: aboutFinding },
  RectificationOrder: {
    requirement: viaFinding,
    completionReport: viaFinding,
    verificationOpinion: viaFinding,
  },
  AccountabilityRecord: { facts: viaFinding },
  PublicFeedback: {
    content: aboutFeedback,
    assignmentNote: aboutFeedback,
    answer: aboutFeedback,
    closingNote: aboutFeedback,
  },
};
