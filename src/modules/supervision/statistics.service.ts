import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { Problems } from '../../errors';
import { addDays, todayInChina } from '../../shared/dates';
import { Unit } from '../org/unit.entity';
import { VisitSlotStatus } from '../followup/followup.enums';
import type { AuditService } from '../audit/audit.service';
import { Conditions } from '../../shared/sql';
import { reportCsv, reportFileName } from './report.csv';
import { archiveStateOf, scheduleOf, terminatedCaseFacts, trackingSince } from './facts';
import {
  checkPeriod,
  inPeriod,
  inspectionScope,
  periodInstants,
  scopeSql,
  type InspectionScope,
  type Period,
} from './scope';

export interface VisitCounts {
  /** Visit slots due in the period (by the visit policy's schedule). */
  due: number;
  /** … of which a visit was made (on time or late). */
  done: number;
  doneOnTime: number;
  doneLate: number;
  /** … of which the due date has passed with no visit. */
  overdue: number;
  /** … of which the due date is still ahead. */
  pending: number;
  /** Visits recorded in the period (whatever slot they count for). */
  recorded: number;
}

export interface FollowUpCounts {
  /** Cases terminated in the period. */
  terminatedCases: number;
  visits: VisitCounts;
  /** The archives of the cases terminated in the period. */
  archives: { total: number; complete: number; incomplete: number; completenessRate: number | null };
  /** Cases terminated in the period with no tracking record for more than `staleDays` days. */
  tracking: { staleDays: number; staleCases: number };
  /** Escalation reports made in the period, by their status today. */
  escalations: { total: number; reported: number; acknowledged: number; resolved: number; open: number };
  /** Rectification orders issued in the period, by their status today. */
  rectifications: { issued: number; open: number; overdue: number; verified: number; rejected: number };
  /** Public feedback received in the period, by its status today. */
  feedback: { received: number; open: number; answered: number; closed: number };
}

export interface FollowUpStats extends FollowUpCounts {
  unit: Unit;
  /** True for the whole subtree (a total), false for the unit's own cases only (a report row). */
  includesSubunits: boolean;
  from: string | null;
  to: string | null;
  /** Counts that depend on today (overdue, stale) are as of this day (China time). */
  asOf: string;
}

export interface FollowUpReport {
  unit: Unit;
  from: string | null;
  to: string | null;
  asOf: string;
  generatedAt: Date;
  /** One row per unit of the scope (its own cases only), in the order of the unit tree. */
  rows: FollowUpStats[];
  /** The whole scope; every count is the sum of the rows' (the rate is recomputed). */
  total: FollowUpStats;
}

function zero(staleDays: number): FollowUpCounts {
  return {
    terminatedCases: 0,
    visits: { due: 0, done: 0, doneOnTime: 0, doneLate: 0, overdue: 0, pending: 0, recorded: 0 },
    archives: { total: 0, complete: 0, incomplete: 0, completenessRate: null },
    tracking: { staleDays, staleCases: 0 },
    escalations: { total: 0, reported: 0, acknowledged: 0, resolved: 0, open: 0 },
    rectifications: { issued: 0, open: 0, overdue: 0, verified: 0, rejected: 0 },
    feedback: { received: 0, open: 0, answered: 0, closed: 0 },
  };
}

/** Adds `b` into `a` (every count; the rate is recomputed at the end). */
function addInto(a: FollowUpCounts, b: FollowUpCounts): void {
  a.terminatedCases += b.terminatedCases;
  for (const group of ['visits', 'archives', 'escalations', 'rectifications', 'feedback'] as const) {
    const target = a[group] as unknown as Record<string, number | null>;
    for (const [k, v] of Object.entries(b[group]))
      if (k !== 'completenessRate') target[k] = (target[k] as number) + (v as number);
  }
  a.tracking.staleCases += b.tracking.staleCases;
}

function finish(c: FollowUpCounts): FollowUpCounts {
  c.archives.completenessRate = c.archives.total ? c.archives.complete / c.archives.total : null;
  return c;
}

/**
 * followUpStatistics and the periodic follow-up report (DESIGN.md §2.4, seed §5.2) for the
 * upper-level agency: counts only, never personal data. Computed per handling unit from four
 * statements (terminated cases with their visits, archive contents and last tracking; escalations;
 * rectification orders; feedback), whatever the size of the scope; the visit schedule and the
 * archive completeness are the follow-up module's own rules (facts.ts).
 */
export class StatisticsService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  /**
   * The report as a CSV download (GET /reports/followup.csv). The export is audited: aggregate
   * numbers only, but a report leaving the system is a notable act.
   */
  async exportCsv(
    actor: Actor,
    unitCode: string | null | undefined,
    from?: string | null,
    to?: string | null,
  ): Promise<{ fileName: string; csv: string }> {
    const report = await this.report(actor, unitCode, from, to);
    await this.audit.record({
      actor,
      operation: 'report.followup.export',
      details: { unitCode: report.unit.code, from: report.from, to: report.to, rows: report.rows.length },
    });
    return { fileName: reportFileName(report), csv: reportCsv(report) };
  }

  private async begin(
    actor: Actor,
    unitCode: string | null | undefined,
    from?: string | null,
    to?: string | null,
  ) {
    const p = new Problems();
    const period = checkPeriod(p, from, to);
    p.throwIfAny();
    const scope = (await inspectionScope(this.em, actor, unitCode, true))!;
    return { scope, period };
  }

  async statistics(
    actor: Actor,
    unitCode: string | null | undefined,
    from?: string | null,
    to?: string | null,
  ): Promise<FollowUpStats> {
    const { scope, period } = await this.begin(actor, unitCode, from, to);
    const { total } = await this.compute(scope, period);
    return { ...total, unit: scope.unit, includesSubunits: true, ...this.stamp(period) };
  }

  async report(
    actor: Actor,
    unitCode: string | null | undefined,
    from?: string | null,
    to?: string | null,
  ): Promise<FollowUpReport> {
    const { scope, period } = await this.begin(actor, unitCode, from, to);
    const { perUnit, total } = await this.compute(scope, period);
    const inScope = scopeSql(scope);
    const units = (
      await this.em.execute<Record<string, unknown>[]>(
        `select u.* from unit u where ${inScope.sql} order by u.path`,
        inScope.params,
      )
    ).map((r) => this.em.map(Unit, r));
    const stamp = this.stamp(period);
    const staleDays = this.deps.config.supervision.trackingStaleDays;
    return {
      unit: scope.unit,
      ...stamp,
      generatedAt: this.deps.now(),
      rows: units.map((unit) => ({
        ...finish(perUnit.get(unit.id) ?? zero(staleDays)),
        unit,
        includesSubunits: false,
        ...stamp,
      })),
      total: { ...total, unit: scope.unit, includesSubunits: true, ...stamp },
    };
  }

  private stamp(period: Period) {
    return { from: period.from, to: period.to, asOf: todayInChina(this.deps.now()) };
  }

  private async compute(
    scope: InspectionScope,
    period: Period,
  ): Promise<{ perUnit: Map<number, FollowUpCounts>; total: FollowUpCounts }> {
    const today = todayInChina(this.deps.now());
    const { visitPolicy: policy, supervision } = this.deps.config;
    const staleDays = supervision.trackingStaleDays;
    const staleBefore = addDays(today, -staleDays);
    const perUnit = new Map<number, FollowUpCounts>();
    const of = (unitId: number) => {
      let c = perUnit.get(unitId);
      if (!c) perUnit.set(unitId, (c = zero(staleDays)));
      return c;
    };
    const inScope = scopeSql(scope);
    const inScopeAnd = () => new Conditions().and(inScope.sql, ...inScope.params);
    /** Rows of counts per unit (`unit_id` and the section's counts), added to that unit's `section`. */
    const addPerUnit = async <K extends 'rectifications' | 'feedback'>(
      section: K,
      sql: string,
      params: unknown[],
    ) => {
      const rows = await this.em.execute<({ unit_id: number } & FollowUpCounts[K])[]>(sql, params);
      for (const { unit_id: unitId, ...counts } of rows) Object.assign(of(unitId)[section], counts);
    };

    // Terminated cases: visits (slots due in the period, of cases terminated up to its end),
    // and for those terminated in the period, the archive and the tracking.
    const facts = await terminatedCaseFacts(this.em, scope, {
      terminated: { from: null, to: period.to },
      visits: true,
      archive: true,
      tracking: true,
    });
    for (const f of facts) {
      const c = of(f.unitId);
      for (const slot of scheduleOf(f, policy, today).slots) {
        if (!inPeriod(slot.dueDate, period)) continue;
        c.visits.due++;
        switch (slot.status) {
          case VisitSlotStatus.COMPLETED:
            c.visits.done++;
            c.visits.doneOnTime++;
            break;
          case VisitSlotStatus.COMPLETED_LATE:
            c.visits.done++;
            c.visits.doneLate++;
            break;
          case VisitSlotStatus.OVERDUE:
            c.visits.overdue++;
            break;
          default:
            c.visits.pending++;
        }
      }
      c.visits.recorded += f.visits.filter((v) => inPeriod(v.visitedOn, period)).length;
      if (!inPeriod(f.terminatedAt, period)) continue;
      c.terminatedCases++;
      c.archives.total++;
      if (archiveStateOf(f).complete) c.archives.complete++;
      else c.archives.incomplete++;
      if (trackingSince(f) < staleBefore) c.tracking.staleCases++;
    }

    const esc = inScopeAnd().instantIn('e.reported_at', periodInstants(period));
    const escalations = await this.em.execute<{ unit_id: number; status: string; n: number }[]>(
      `select c.handling_unit_id as unit_id, e.status, count(*)::int as n
         from escalation_report e join petition_case c on c.id = e.case_id
         join unit u on u.id = c.handling_unit_id
        where ${esc.sql}
        group by c.handling_unit_id, e.status`,
      esc.params,
    );
    for (const r of escalations) {
      const e = of(r.unit_id).escalations;
      e.total += r.n;
      if (r.status === 'REPORTED') e.reported += r.n;
      else if (r.status === 'ACKNOWLEDGED') e.acknowledged += r.n;
      else e.resolved += r.n;
      if (r.status !== 'RESOLVED') e.open += r.n;
    }

    const rect = inScopeAnd().dayIn('r.issued_on', period);
    await addPerUnit(
      'rectifications',
      `select r.responsible_unit_id as unit_id, count(*)::int as issued,
              count(*) filter (where r.status in ('ISSUED', 'COMPLETED'))::int as open,
              count(*) filter (where r.status = 'ISSUED' and r.deadline < ?::date)::int as overdue,
              count(*) filter (where r.status = 'VERIFIED')::int as verified,
              count(*) filter (where r.status = 'REJECTED')::int as rejected
         from rectification_order r join unit u on u.id = r.responsible_unit_id
        where ${rect.sql}
        group by r.responsible_unit_id`,
      [today, ...rect.params],
    );

    const fb = inScopeAnd().dayIn('f.received_on', period);
    await addPerUnit(
      'feedback',
      `select f.concerned_unit_id as unit_id, count(*)::int as received,
              count(*) filter (where f.status in ('RECEIVED', 'ASSIGNED'))::int as open,
              count(*) filter (where f.status in ('ANSWERED', 'CLOSED'))::int as answered,
              count(*) filter (where f.status = 'CLOSED')::int as closed
         from public_feedback f join unit u on u.id = f.concerned_unit_id
        where ${fb.sql}
        group by f.concerned_unit_id`,
      fb.params,
    );

    const total = zero(staleDays);
    for (const c of perUnit.values()) {
      addInto(total, c);
      finish(c);
    }
    return { perUnit, total: finish(total) };
  }
}
