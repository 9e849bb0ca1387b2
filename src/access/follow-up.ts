import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { ConflictError, ForbiddenError } from '../errors';
import type { Context } from '../graphql/context';
import type { PetitionCase } from '../modules/case/case.entity';
import { CaseStatus } from '../modules/case/case.enums';
import type { CaseService } from '../modules/case/case.service';
import { isSameOrBelow } from './jurisdiction';
import { FOLLOWUP_READERS } from './roles';

/**
 * Who reaches the follow-up records (DESIGN.md §1, §3): FOLLOWUP_READERS (the handling unit's
 * officers and those above it, the petition agencies' reviewers and supervisors), each within their
 * jurisdiction (own unit and below, the one rule `isSameOrBelow` inside CaseService.visible), on a
 * terminated case. Departments' staff and administrators reach none of it. Whether the free text
 * is shown in clear is the separate, single rule `visibilityFor` (visibility.ts).
 */
export function assertFollowUpReader(actor: Actor): void {
  if (!FOLLOWUP_READERS.includes(actor.role)) throw new ForbiddenError('无权查看信访终结后续管理记录');
}

function assertTerminated(c: PetitionCase): void {
  if (c.status !== CaseStatus.TERMINATED)
    throw new ConflictError('该信访事项尚未终结：终结（告知信访人）之后才有档案、回访、跟踪和报告');
}

/** A terminated case the actor may read the follow-up of, or NOT_FOUND / FORBIDDEN / CONFLICT. */
export async function terminatedCaseForReader(
  cases: CaseService,
  actor: Actor,
  caseId: number,
  em?: EntityManager,
): Promise<PetitionCase> {
  assertFollowUpReader(actor);
  const c = await cases.visible(actor, caseId, em);
  assertTerminated(c);
  return c;
}

/**
 * The rules of terminatedCaseForReader as a yes/no on what the request's loaders already hold
 * (a field of a case in a list: null rather than an error, and no query per case).
 */
export async function followUpVisible(ctx: Context, c: PetitionCase): Promise<boolean> {
  if (c.status !== CaseStatus.TERMINATED || !FOLLOWUP_READERS.includes(ctx.actor.role)) return false;
  const unit = await ctx.loaders.unitInfo.load(c.handlingUnit.id);
  return !!unit && isSameOrBelow(unit.unit.path, ctx.actor.unitPath);
}

/**
 * A terminated case whose handling unit is the actor's own: only its officers keep the archive,
 * visit, track and report. The case row stays locked until the transaction ends, so the writes
 * of one case (version numbers, schedules) happen one after the other.
 */
export async function terminatedCaseForOfficer(
  cases: CaseService,
  actor: Actor,
  caseId: number,
  em: EntityManager,
): Promise<PetitionCase> {
  if (actor.role !== 'CASE_OFFICER') throw new ForbiddenError('只有承办单位的经办人员可以记录后续管理工作');
  const c = await cases.forHandlingUnit(actor, caseId, em);
  assertTerminated(c);
  return c;
}
