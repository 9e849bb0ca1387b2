import { CLEAR_READ_OPERATIONS } from '../../access/clear-reads';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { Problems } from '../../errors';
import { addDays, daysBetween, todayInChina } from '../../shared/dates';
import {
  checkPage,
  emptyPage,
  keysetPage,
  pageOfSorted,
  type CursorOf,
  type CursorShape,
  type Page,
} from '../../shared/paging';
import { PetitionCase } from '../case/case.entity';
import { ARCHIVE_ITEM_LABEL, type ArchiveItemKind, type RiskLevel } from '../followup/followup.enums';
import { EscalationReport } from '../followup/followup.entity';
import type { VisitSlot } from '../followup/visit.policy';
import {
  archiveStateOf,
  lastTerminationWithOverdue,
  scheduleOf,
  terminatedCaseFacts,
  type TerminatedCaseFacts,
} from './facts';
import {
  checkPeriod,
  inPeriod,
  inspectionScope,
  periodInstants,
  scopeSql,
  type InspectionScope,
  type Period,
} from './scope';
import { Conditions, arrayLiteral } from '../../shared/sql';

export interface InspectionFilter {
  /** A unit's subtree (within the actor's jurisdiction); default the actor's own. */
  unitCode?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface OverdueVisitCase {
  case: PetitionCase;
  terminatedAt: string;
  /** The overdue slots whose due date lies in the period, oldest first. */
  overdue: VisitSlot[];
  oldestDueDate: string;
  daysOverdue: number;
  visitsRecorded: number;
  lastVisitedOn: string | null;
}

export interface IncompleteArchiveCase {
  case: PetitionCase;
  terminatedAt: string;
  archiveCreated: boolean;
  missing: ArchiveItemKind[];
  missingLabels: string[];
  requiredCount: number;
  documentCount: number;
}

export interface StaleTrackingCase {
  case: PetitionCase;
  terminatedAt: string;
  lastTrackedOn: string | null;
  lastRiskLevel: RiskLevel | null;
  trackingRecords: number;
  daysWithoutTracking: number;
}

export interface OpenEscalation {
  report: EscalationReport;
  ageDays: number;
  /** Days in the current status (since the report, or since its acknowledgement). */
  daysInStatus: number;
}

export interface LookupActivity {
  userId: string;
  userName: string | null;
  role: string | null;
  unitId: number;
  duplicateChecks: number;
  clearReads: number;
  reveals: number;
  /** Hours in which the user reached REVEAL_BURST_PER_HOUR reveals (petitioner.reveal.burst). */
  revealBursts: number;
  /** Duplicate checks refused as suspected ID guessing (sharing.checkDuplicate.refused). */
  oracleRefusals: number;
  fileDownloads: number;
  distinctPetitioners: number;
  distinctCases: number;
  total: number;
  firstAt: Date;
  lastAt: Date;
}

/** The audited operations that are look-ups of personal data, by what the activity report calls them. */
export const LOOKUP_OPERATIONS = {
  duplicateChecks: 'sharing.checkDuplicate',
  clearReads: CLEAR_READ_OPERATIONS.petitioner,
  reveals: 'petitioner.reveal',
  fileDownloads: 'archive.file.download',
  revealBursts: 'petitioner.reveal.burst',
  oracleRefusals: 'sharing.checkDuplicate.refused',
} as const;

export const STALE_DAYS_MAX = 3650;

/**
 * The supervisor's inspection queries (DESIGN.md §1, §2.4), for SUPERVISOR over their subtree and
 * AGENCY_REVIEWER over the units below their agency (scope.ts). Every list is filterable by a unit
 * subtree and a period, cursor-paginated with a capped page size, and returns cases as entities
 * (their petitioner leaves only through the masking view of the Case type) or counts, never
 * personal data. Each list reads its candidates in one statement.
 */
export class InspectionQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
  ) {}

  private today() {
    return todayInChina(this.deps.now());
  }

  private async begin<const S extends CursorShape>(
    actor: Actor,
    filter: InspectionFilter,
    first: number,
    after: string | null | undefined,
    shape: S,
    extra?: (p: Problems) => void,
  ): Promise<{ scope: InspectionScope | null; period: Period; cursor: CursorOf<S> | null }> {
    const p = new Problems();
    const period = checkPeriod(p, filter.from, filter.to);
    const { cursor } = checkPage(p, first, after, shape);
    extra?.(p);
    p.throwIfAny();
    const scope = await inspectionScope(this.em, actor, filter.unitCode);
    return { scope, period, cursor };
  }

  /** The page's cases in one query, in the page's order. */
  private async withCases<T extends { caseId: number }>(
    page: Page<T>,
  ): Promise<Page<Omit<T, 'caseId'> & { case: PetitionCase }>> {
    const ids = page.nodes.map((n) => n.caseId);
    const cases = ids.length ? await this.em.find(PetitionCase, { id: { $in: ids } }) : [];
    const byId = new Map(cases.map((c) => [c.id, c]));
    return {
      ...page,
      nodes: page.nodes.map(({ caseId, ...rest }) => ({ ...rest, case: byId.get(caseId)! })),
    };
  }

  /**
   * Terminated cases with return visits overdue (by the visit policy's schedule): a visit slot is
   * counted when its due date lies in the period and it is overdue today. Longest overdue first.
   */
  async overdueVisits(
    actor: Actor,
    filter: InspectionFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<OverdueVisitCase>> {
    const { scope, period, cursor } = await this.begin(actor, filter, first, after, ['d', 'i']);
    if (!scope) return emptyPage();
    const today = this.today();
    const policy = this.deps.config.visitPolicy;
    const facts = await terminatedCaseFacts(this.em, scope, {
      terminatedBefore: lastTerminationWithOverdue(policy, today),
      visits: true,
    });
    const found = facts.flatMap((f) => {
      const schedule = scheduleOf(f, policy, today);
      const overdue = schedule.overdue.filter((s) => inPeriod(s.dueDate, period));
      if (!overdue.length) return [];
      const visited = f.visits.map((v) => v.visitedOn).sort();
      return [
        {
          caseId: f.id,
          terminatedAt: f.terminatedAt,
          overdue,
          oldestDueDate: overdue[0].dueDate,
          daysOverdue: daysBetween(overdue[0].dueDate, today),
          visitsRecorded: f.visits.length,
          lastVisitedOn: visited[visited.length - 1] ?? null,
        },
      ];
    });
    return this.withCases(pageOfSorted(found, (x) => [x.oldestDueDate, x.caseId], first, cursor));
  }

  /**
   * Terminated cases (terminated in the period) whose archive lacks required contents, by the
   * archive service's completeness rule; a case whose archive was never created lacks everything.
   * Oldest termination first.
   */
  async incompleteArchives(
    actor: Actor,
    filter: InspectionFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<IncompleteArchiveCase>> {
    const { scope, period, cursor } = await this.begin(actor, filter, first, after, ['d', 'i']);
    if (!scope) return emptyPage();
    const facts = await terminatedCaseFacts(this.em, scope, { terminated: period, archive: true });
    const found = facts.flatMap((f: TerminatedCaseFacts) => {
      const state = archiveStateOf(f);
      if (state.complete) return [];
      return [
        {
          caseId: f.id,
          terminatedAt: f.terminatedAt,
          archiveCreated: f.archiveId !== null,
          missing: state.missing,
          missingLabels: state.missing.map((k) => ARCHIVE_ITEM_LABEL[k]),
          requiredCount: state.requirements.length,
          documentCount: f.documentKinds.length,
        },
      ];
    });
    return this.withCases(pageOfSorted(found, (x) => [x.terminatedAt, x.caseId], first, cursor));
  }

  /**
   * Terminated cases (terminated in the period) with no tracking record for more than `days` days:
   * the last record (or, with none, the termination) is older than today − days. Longest quiet first.
   */
  async staleTracking(
    actor: Actor,
    filter: InspectionFilter & { days?: number | null },
    first: number,
    after?: string | null,
  ): Promise<Page<StaleTrackingCase> & { days: number }> {
    const days = filter.days ?? this.deps.config.supervision.trackingStaleDays;
    const { scope, period, cursor } = await this.begin(actor, filter, first, after, ['d', 'i'], (p) =>
      p.check(
        Number.isInteger(days) && days >= 1 && days <= STALE_DAYS_MAX,
        'days',
        `天数应为 1–${STALE_DAYS_MAX} 的整数`,
      ),
    );
    if (!scope) return { ...emptyPage(), days };
    const today = this.today();
    const inScope = scopeSql(scope);
    const where = new Conditions()
      .and(`c.status = 'TERMINATED'`)
      .and(inScope.sql, ...inScope.params)
      .and('coalesce(t.last_on, c.terminated_at) < ?::date', addDays(today, -days))
      .dayIn('c.terminated_at', period);
    const params = where.params;
    const base = `from petition_case c join unit u on u.id = c.handling_unit_id
      left join lateral (select max(tr.observed_on) as last_on, count(*)::int as n
                           from tracking_record tr where tr.case_id = c.id) t on true
      where ${where.sql}`;
    const pageWhere = cursor ? ' and (coalesce(t.last_on, c.terminated_at), c.id) > (?::date, ?::int)' : '';
    const [[{ total }], rows] = await Promise.all([
      this.em.execute<{ total: number }[]>(`select count(*)::int as total ${base}`, params),
      this.em.execute<
        {
          id: number;
          terminated_at: string;
          last_on: string | null;
          n: number;
          since: string;
          risk: RiskLevel;
        }[]
      >(
        `select c.id, c.terminated_at::text as terminated_at, t.last_on::text as last_on, t.n,
                coalesce(t.last_on, c.terminated_at)::text as since,
                (select tr.risk_level from tracking_record tr where tr.case_id = c.id
                  order by tr.observed_on desc, tr.id desc limit 1) as risk
           ${base}${pageWhere}
          order by coalesce(t.last_on, c.terminated_at), c.id limit ?`,
        [...params, ...(cursor ?? []), first + 1],
      ),
    ]);
    const page = keysetPage(rows, first, (r) => [r.since, r.id]);
    const nodes = page.nodes.map((r) => ({
      caseId: r.id,
      terminatedAt: r.terminated_at,
      lastTrackedOn: r.last_on,
      lastRiskLevel: r.risk ?? null,
      trackingRecords: r.n,
      daysWithoutTracking: daysBetween(r.since, today),
    }));
    return { ...(await this.withCases({ ...page, nodes, totalCount: total })), days };
  }

  /**
   * Escalation reports not yet resolved (REPORTED or ACKNOWLEDGED), of cases in scope, reported in
   * the period and at least `minAgeDays` old: oldest first.
   */
  async openEscalations(
    actor: Actor,
    filter: InspectionFilter & { minAgeDays?: number | null },
    first: number,
    after?: string | null,
  ): Promise<Page<OpenEscalation>> {
    const minAge = filter.minAgeDays ?? 0;
    const { scope, period, cursor } = await this.begin(actor, filter, first, after, ['i', 'i'], (p) =>
      p.check(
        Number.isInteger(minAge) && minAge >= 0 && minAge <= STALE_DAYS_MAX,
        'minAgeDays',
        `天数应为 0–${STALE_DAYS_MAX} 的整数`,
      ),
    );
    if (!scope) return emptyPage();
    const today = this.today();
    const inScope = scopeSql(scope);
    // Reported on or before today − minAge (China time): before the next day's midnight.
    const notAfter = periodInstants({ from: null, to: addDays(today, -minAge) }).toExclusive!;
    const where = new Conditions()
      .and(`e.status <> 'RESOLVED'`)
      .and(inScope.sql, ...inScope.params)
      .and('e.reported_at < ?::timestamptz', notAfter)
      .instantIn('e.reported_at', periodInstants(period));
    const params = where.params;
    const base = `from escalation_report e join petition_case c on c.id = e.case_id
      join unit u on u.id = c.handling_unit_id where ${where.sql}`;
    // Microseconds since the epoch: an exact cursor, whatever the precision of the stored time.
    const micros = `(extract(epoch from e.reported_at) * 1000000)::bigint`;
    const pageWhere = cursor ? ` and (${micros}, e.id) > (?::bigint, ?::int)` : '';
    const [[{ total }], rows] = await Promise.all([
      this.em.execute<{ total: number }[]>(`select count(*)::int as total ${base}`, params),
      this.em.execute<{ id: number; us: string }[]>(
        `select e.id, ${micros}::text as us ${base}${pageWhere} order by e.reported_at, e.id limit ?`,
        [...params, ...(cursor ?? []), first + 1],
      ),
    ]);
    const page = keysetPage(rows, first, (r) => [Number(r.us), r.id]);
    const ids = page.nodes.map((r) => r.id);
    const reports = ids.length ? await this.em.find(EscalationReport, { id: { $in: ids } }) : [];
    const byId = new Map(reports.map((r) => [r.id, r]));
    const nodes = ids.map((id) => {
      const report = byId.get(id)!;
      const since = report.acknowledgedAt ?? report.reportedAt;
      return {
        report,
        ageDays: daysBetween(todayInChina(report.reportedAt), today),
        daysInStatus: daysBetween(todayInChina(since), today),
      };
    });
    return { ...page, nodes, totalCount: total };
  }

  /**
   * Look-ups of personal data per user (from the audit log), to spot misuse: duplicate checks,
   * clear reads, reveals and archive file downloads by the staff of units in scope, in the period.
   * Counts only: what was looked up stays in the audit log. Most active first.
   */
  async lookupActivity(
    actor: Actor,
    filter: InspectionFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<LookupActivity>> {
    const { scope, period, cursor } = await this.begin(actor, filter, first, after, ['i', 's', 's']);
    if (!scope) return emptyPage();
    const inScope = scopeSql(scope);
    const where = new Conditions()
      .and('a.user_id is not null')
      .and('a.operation = any(?::text[])', arrayLiteral(Object.values(LOOKUP_OPERATIONS)))
      .and(inScope.sql, ...inScope.params)
      .instantIn('a.at', periodInstants(period));
    const params = where.params;
    const O = LOOKUP_OPERATIONS;
    const grouped = `select a.user_id, a.unit_code, min(u.id) as unit_id,
        (array_agg(a.user_name order by a.seq desc))[1] as user_name,
        (array_agg(a.role order by a.seq desc))[1] as role,
        count(*) filter (where a.operation = '${O.duplicateChecks}')::int as duplicate_checks,
        count(*) filter (where a.operation = '${O.clearReads}')::int as clear_reads,
        count(*) filter (where a.operation = '${O.reveals}')::int as reveals,
        count(*) filter (where a.operation = '${O.fileDownloads}')::int as file_downloads,
        count(*) filter (where a.operation = '${O.revealBursts}')::int as reveal_bursts,
        count(*) filter (where a.operation = '${O.oracleRefusals}')::int as oracle_refusals,
        count(distinct a.petitioner_id)::int as distinct_petitioners,
        count(distinct a.case_id)::int as distinct_cases,
        count(*) filter (where a.operation not in ('${O.revealBursts}', '${O.oracleRefusals}'))::int as total, min(a.at) as first_at, max(a.at) as last_at
      from audit_log a join unit u on u.code = a.unit_code
      where ${where.sql}
      group by a.user_id, a.unit_code`;
    // Most active first: total descending, then user and unit for a stable order.
    const pageWhere = cursor
      ? 'where s.total < ? or (s.total = ? and (s.user_id, s.unit_code) > (?, ?))'
      : '';
    const pageParams = cursor ? [-cursor[0], -cursor[0], cursor[1], cursor[2]] : [];
    const [[{ n }], rows] = await Promise.all([
      this.em.execute<{ n: number }[]>(`select count(*)::int as n from (${grouped}) s`, params),
      this.em.execute<
        {
          user_id: string;
          unit_code: string;
          unit_id: number;
          user_name: string | null;
          role: string | null;
          duplicate_checks: number;
          clear_reads: number;
          reveals: number;
          reveal_bursts: number;
          oracle_refusals: number;
          file_downloads: number;
          distinct_petitioners: number;
          distinct_cases: number;
          total: number;
          first_at: Date;
          last_at: Date;
        }[]
      >(`select * from (${grouped}) s ${pageWhere} order by s.total desc, s.user_id, s.unit_code limit ?`, [
        ...params,
        ...pageParams,
        first + 1,
      ]),
    ]);
    const page = keysetPage(rows, first, (r) => [-r.total, r.user_id, r.unit_code]);
    const nodes = page.nodes.map((r) => ({
      userId: r.user_id,
      userName: r.user_name,
      role: r.role,
      unitId: r.unit_id,
      duplicateChecks: r.duplicate_checks,
      clearReads: r.clear_reads,
      reveals: r.reveals,
      revealBursts: r.reveal_bursts,
      oracleRefusals: r.oracle_refusals,
      fileDownloads: r.file_downloads,
      distinctPetitioners: r.distinct_petitioners,
      distinctCases: r.distinct_cases,
      total: r.total,
      firstAt: new Date(r.first_at),
      lastAt: new Date(r.last_at),
    }));
    return { ...page, nodes, totalCount: n };
  }
}
