import type { EntityManager } from '@mikro-orm/postgresql';
import type { VisitPolicy } from '../../config';
import { addDays } from '../../shared/dates';
import type { PetitionCase } from '../case/case.entity';
import type { StepKind } from '../case/case.enums';
import { archiveCompleteness, hadReReview } from '../followup/archive.service';
import type { ArchiveItemKind } from '../followup/followup.enums';
import { visitSchedule, type ScheduleVisit, type VisitScheduleResult } from '../followup/visit.policy';
import { scopeSql, type InspectionScope, type Period } from './scope';
import { Conditions } from '../../shared/sql';

/**
 * What the inspection queries and the statistics need to know about each terminated case of a
 * scope, read in one statement (one row per case, whatever the number of visits or documents).
 *
 * The judgements themselves are the follow-up module's, not re-implemented here: the visit
 * schedule is `visitSchedule` (visit.policy.ts) and the archive's completeness is
 * `archiveCompleteness` / `hadReReview` (archive.service.ts), called on these facts.
 */
export interface TerminatedCaseFacts {
  id: number;
  unitId: number;
  terminatedAt: string;
  reReviewRequestedAt: string | null;
  stepKinds: StepKind[];
  archiveId: number | null;
  documentKinds: ArchiveItemKind[];
  visits: ScheduleVisit[];
  lastTrackedOn: string | null;
}

export interface FactsOptions {
  /** Cases terminated in this period only (both ends inclusive, either open). */
  terminated?: Period;
  /** Cases terminated before this day only (strictly). */
  terminatedBefore?: string | null;
  visits?: boolean;
  archive?: boolean;
  tracking?: boolean;
}

interface Row {
  id: number;
  unit_id: number;
  terminated_at: string;
  re_review_requested_at: string | null;
  step_kinds: StepKind[] | null;
  archive_id: number | null;
  document_kinds: ArchiveItemKind[] | null;
  visits: ScheduleVisit[] | null;
  last_tracked_on: string | null;
}

export async function terminatedCaseFacts(
  em: EntityManager,
  scope: InspectionScope,
  opts: FactsOptions,
): Promise<TerminatedCaseFacts[]> {
  const inScope = scopeSql(scope);
  const where = new Conditions()
    .and(`c.status = 'TERMINATED'`)
    .and(inScope.sql, ...inScope.params)
    .dayIn('c.terminated_at', opts.terminated ?? { from: null, to: null })
    .andIf(opts.terminatedBefore, 'c.terminated_at < ?::date');
  const columns = [
    'c.id',
    'c.handling_unit_id as unit_id',
    'c.terminated_at::text as terminated_at',
    'c.re_review_requested_at::text as re_review_requested_at',
  ];
  if (opts.archive)
    columns.push(
      'array(select s.kind::text from case_step s where s.case_id = c.id) as step_kinds',
      '(select a.id from termination_archive a where a.case_id = c.id) as archive_id',
      'array(select d.kind::text from archive_document d where d.case_id = c.id) as document_kinds',
    );
  if (opts.visits)
    columns.push(`(select json_agg(json_build_object('id', v.id, 'visitedOn', v.visited_on::text))
                     from return_visit v where v.case_id = c.id) as visits`);
  if (opts.tracking)
    columns.push(
      '(select max(t.observed_on)::text from tracking_record t where t.case_id = c.id) as last_tracked_on',
    );
  const rows = await em.execute<Row[]>(
    `select ${columns.join(', ')}
       from petition_case c join unit u on u.id = c.handling_unit_id
      where ${where.sql}`,
    where.params,
  );
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    terminatedAt: r.terminated_at,
    reReviewRequestedAt: r.re_review_requested_at,
    stepKinds: r.step_kinds ?? [],
    archiveId: r.archive_id ?? null,
    documentKinds: r.document_kinds ?? [],
    visits: r.visits ?? [],
    lastTrackedOn: r.last_tracked_on ?? null,
  }));
}

/** The archive's completeness, by the archive service's own rule. */
export function archiveStateOf(f: TerminatedCaseFacts) {
  const reReview = hadReReview({ reReviewRequestedAt: f.reReviewRequestedAt } as PetitionCase, f.stepKinds);
  return archiveCompleteness(reReview, f.documentKinds);
}

/** The visit schedule, by the follow-up visit policy. */
export function scheduleOf(f: TerminatedCaseFacts, policy: VisitPolicy, today: string): VisitScheduleResult {
  return visitSchedule(f.terminatedAt, f.visits, policy, today);
}

/** The first day on which a case terminated on `terminatedAt` could have an overdue visit is after this. */
export function lastTerminationWithOverdue(policy: VisitPolicy, today: string): string {
  // Slot 1 is due `firstDays` after termination and overdue the day after: terminated before today − firstDays.
  return addDays(today, -policy.firstDays);
}

/** The day a case's tracking went quiet: its last tracking record, or its termination. */
export const trackingSince = (f: Pick<TerminatedCaseFacts, 'lastTrackedOn' | 'terminatedAt'>): string =>
  f.lastTrackedOn ?? f.terminatedAt;
