import type { Actor } from '../auth/actor';
import type { Context } from '../graphql/context';
import type { ClearReadField } from './clear-reads';
import type { PetitionCase } from '../modules/case/case.entity';
import type { Unit } from '../modules/org/unit.entity';
import type {
  Inspection,
  PublicFeedback,
  RectificationOrder,
} from '../modules/supervision/supervision.entity';
import { isSameOrBelow } from './jurisdiction';
import { FEEDBACK_HANDLERS, INSPECTORS, ORDER_READERS } from './roles';

/*
 * Who sees what (DESIGN.md §3): a record is visible or not (none: NOT_FOUND or null), and personal
 * data on a visible record is shown in clear or masked. The role sets are those of roles.ts, the
 * jurisdiction that of jurisdiction.ts. Every resolver and service asks here.
 */

/** How a reader may see one person's data (a case's petitioner, a feedback's submitter). */
export type Visibility = 'CLEAR' | 'MASKED';

// ---- petitioners and officers' text ----

/**
 * The one rule for who sees a petitioner in clear (DESIGN.md §3): the handling unit's officers
 * (and officers of units above it) and the reviewers of the examining agency (the nearest petition
 * agency above the handling unit). Everyone else sees masked values; a supervisor may reveal one
 * petitioner with a stated reason, which is a separate, audited act.
 */
export function visibilityFor(
  actor: Actor,
  handlingUnit: Pick<Unit, 'id' | 'path'>,
  examiningAgencyId: number | null,
): Visibility {
  if (actor.role === 'CASE_OFFICER' && isSameOrBelow(handlingUnit.path, actor.unitPath)) return 'CLEAR';
  if (actor.role === 'AGENCY_REVIEWER' && examiningAgencyId !== null && actor.unitId === examiningAgencyId)
    return 'CLEAR';
  return 'MASKED';
}

/** Whether this reader sees this case's personal data in clear (one rule: visibilityFor). */
export async function caseVisibility(ctx: Context, c: PetitionCase): Promise<Visibility> {
  const info = await ctx.loaders.unitInfo.load(c.handlingUnit.id);
  return visibilityFor(ctx.actor, info!.unit, info!.examiningAgencyId);
}

/**
 * caseVisibility without a promise, when this request has already loaded the case's handling unit
 * (a page primes its units, primeCaseUnits); undefined otherwise (then ask caseVisibility).
 */
export function knownCaseVisibility(ctx: Context, c: PetitionCase): Visibility | undefined {
  const info = ctx.loaders.knownUnitInfo(c.handlingUnit.id);
  return info ? visibilityFor(ctx.actor, info.unit, info.examiningAgencyId) : undefined;
}

/**
 * Loads the handling units of these cases into the request's loaders, in one batch (from the
 * process's unit tree, no query while it is cached), so that each row's visibility and unit are
 * then known without a promise (knownCaseVisibility, unitOf).
 */
export async function primeCaseUnits(ctx: Context, cases: readonly PetitionCase[]): Promise<void> {
  await Promise.all(
    [...new Set(cases.map((c) => c.handlingUnit.id))].map((id) => ctx.loaders.unitInfo.load(id)),
  );
}

/**
 * Officer-written text on a case, an application or its follow-up: shown only to readers who see
 * the case's petitioner in clear, and each such read is audited like the petitioner's own fields;
 * null for everyone else.
 */
export async function clearText<T = string>(
  ctx: Context,
  c: PetitionCase,
  field: ClearReadField,
  value?: T | null | (() => T | null),
): Promise<T | null> {
  if (!value || (await caseVisibility(ctx, c)) !== 'CLEAR') return null;
  ctx.audit.clearRead({ caseId: c.id, petitionerId: c.petitioner.id, fields: [field] });
  // a function is only called for a reader entitled to the value (decrypt nothing for the others)
  return typeof value === 'function' ? (value as () => T | null)() : value;
}

/**
 * clearText for a record that names its case by id (follow-up records, archive files): the case
 * comes from the request's loader; null when it is not there.
 */
export async function caseClearText<T>(
  ctx: Context,
  caseId: number,
  field: ClearReadField,
  open: () => T,
): Promise<T | null> {
  const c = await ctx.loaders.cases.load(caseId);
  return c ? clearText(ctx, c, field, open) : null;
}

/** Whether this reader sees the personal data of the case with this id in clear. */
export async function caseIsClear(ctx: Context, caseId: number): Promise<boolean> {
  const c = await ctx.loaders.cases.load(caseId);
  return !!c && (await caseVisibility(ctx, c)) === 'CLEAR';
}

// ---- supervision: inspections, orders, feedback ----

/** An inspection is visible to inspectors whose jurisdiction holds its scope or its organizing unit. */
export function inspectionVisible(
  actor: Actor,
  i: Pick<Inspection, 'scopeUnit' | 'organizingUnit'>,
): boolean {
  return (
    INSPECTORS.includes(actor.role) &&
    (isSameOrBelow(i.scopeUnit.path, actor.unitPath) || isSameOrBelow(i.organizingUnit.path, actor.unitPath))
  );
}

/**
 * A rectification order is visible to an order reader whose jurisdiction holds its responsible
 * unit, or who sees its inspection (`inspection`: the order's, loaded by the caller when needed).
 */
export function orderVisible(
  actor: Actor,
  order: Pick<RectificationOrder, 'responsibleUnit'>,
  inspection?: Pick<Inspection, 'scopeUnit' | 'organizingUnit'> | null,
): boolean {
  if (!ORDER_READERS.includes(actor.role)) return false;
  if (isSameOrBelow(order.responsibleUnit.path, actor.unitPath)) return true;
  return !!inspection && inspectionVisible(actor, inspection);
}

/**
 * Public feedback: the officers of the assigned unit and above; the handlers (supervisors and
 * reviewers) whose jurisdiction holds the recording, the concerned or the assigned unit.
 */
export function feedbackVisible(
  actor: Actor,
  f: Pick<PublicFeedback, 'recordingUnit' | 'concernedUnit' | 'assignedUnit'>,
): boolean {
  const below = (u: Unit | null | undefined) => !!u && isSameOrBelow(u.path, actor.unitPath);
  if (actor.role === 'CASE_OFFICER') return below(f.assignedUnit);
  if (FEEDBACK_HANDLERS.includes(actor.role))
    return below(f.recordingUnit) || below(f.concernedUnit) || below(f.assignedUnit);
  return false;
}

/**
 * Who sees a feedback's submitter in clear: the officers of the assigned unit and of the units
 * above it (they reply to the submitter). Everyone else, supervisors included, sees masked values.
 */
export function submitterVisibilityFor(actor: Actor, assignedUnitPath: string | null): Visibility {
  return actor.role === 'CASE_OFFICER' &&
    assignedUnitPath !== null &&
    isSameOrBelow(assignedUnitPath, actor.unitPath)
    ? 'CLEAR'
    : 'MASKED';
}

/**
 * A feedback submitter's field as this reader may see it: for a CLEAR reader the value is noted
 * for the request's clear-read audit (clear-reads.ts), the one path every clear read takes.
 */
export function submitterField(
  ctx: Pick<Context, 'audit'>,
  f: Pick<PublicFeedback, 'id'>,
  field: 'submitterName' | 'submitterPhone',
  visibility: Visibility,
  value: string | null,
): string | null {
  if (value !== null && visibility === 'CLEAR')
    ctx.audit.submitterClearRead({ feedbackId: f.id, fields: [field] });
  return value;
}

/** submitterVisibilityFor on the feedback's assigned unit, through the request's loaders. */
export async function submitterVisibility(
  ctx: Context,
  f: Pick<PublicFeedback, 'assignedUnit'>,
): Promise<Visibility> {
  const assigned = f.assignedUnit ? await ctx.loaders.unitInfo.load(f.assignedUnit.id) : null;
  return submitterVisibilityFor(ctx.actor, assigned?.unit.path ?? null);
}

/**
 * A feedback's submitter name or phone as this reader may see it (submitterVisibility), or null
 * when none was given. A clear value is noted for the request's one clear-read audit
 * (src/access/clear-reads.ts), written before the response leaves.
 */
export async function feedbackSubmitter(
  ctx: Context,
  f: PublicFeedback,
  field: 'submitterName' | 'submitterPhone',
): Promise<string | null> {
  const enc = field === 'submitterName' ? f.submitterNameEnc : f.submitterPhoneEnc;
  if (!enc) return null;
  const visibility = await submitterVisibility(ctx, f);
  const value = ctx.services.supervision.feedback.submitter(f, visibility);
  return submitterField(ctx, f, field, visibility, field === 'submitterName' ? value.name : value.phone);
}
