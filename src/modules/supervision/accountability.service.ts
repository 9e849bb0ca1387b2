import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { ForbiddenError, NotFoundError, Problems } from '../../errors';
import { checkPage, emptyPage, type Page } from '../../shared/paging';
import type { AuditService } from '../audit/audit.service';
import { Unit } from '../org/unit.entity';
import { ACCOUNTABILITY_READERS } from '../../access/roles';
import { isSameOrBelow, unitInJurisdiction } from '../../access/jurisdiction';
import { inspectionVisible } from '../../access/visibility';
import { checkDay, checkText, trimOrNull, requiredId } from '../../shared/checks';
import { AccountabilityRecord, Inspection, InspectionFinding } from './supervision.entity';
import { AccountabilityMeasure, Misconduct } from './supervision.enums';
import { checkPeriod } from './scope';
import { Conditions, arrayLiteral, newestFirstPage } from '../../shared/sql';
import { checkIdempotencyKey, writeOnce, keyAndInput } from '../followup/idempotency';

export interface RecordAccountabilityData {
  findingId: string | number;
  staffName: string;
  staffUserId?: string | null;
  staffUnitCode: string;
  misconduct: Misconduct;
  measure: AccountabilityMeasure;
  facts: string;
  decidedOn: string;
  decisionRef?: string | null;
  idempotencyKey?: string | null;
}

export interface AccountabilityFilter {
  /** Staff of this unit's subtree. */
  unitCode?: string | null;
  misconduct?: Misconduct | null;
  measure?: AccountabilityMeasure | null;
  /** Decided in this period. */
  from?: string | null;
  to?: string | null;
}

export interface AccountabilityStatistics {
  unit: Unit;
  from: string | null;
  to: string | null;
  total: number;
  byMisconduct: { misconduct: Misconduct; count: number }[];
  byMeasure: { measure: AccountabilityMeasure; count: number }[];
}

/**
 * 责任追究 (seed §4.2): records of staff misconduct and the measure taken, each tied to an
 * inspection finding. Visible only to SUPERVISOR and ADMIN (the records, their counts, and the
 * finding's link to them), each within their own unit's subtree; recorded by the supervisors who
 * organise the inspection. Append-only: a trigger refuses UPDATE and DELETE.
 */
export class AccountabilityService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  private assertReader(actor: Actor) {
    if (!ACCOUNTABILITY_READERS.includes(actor.role))
      throw new ForbiddenError('责任追究记录仅监督检查人员和系统管理员可以查看');
  }

  async record(actor: Actor, data: RecordAccountabilityData): Promise<AccountabilityRecord> {
    if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以记录责任追究');
    const p = new Problems();
    const findingId = requiredId(p, 'findingId', data.findingId, '问题');
    checkText(p, 'staffName', data.staffName, '工作人员姓名', 50);
    checkText(p, 'staffUserId', data.staffUserId, '工作人员的用户标识', 200, false);
    p.check(Object.values(Misconduct).includes(data.misconduct), 'misconduct', '情形无效');
    p.check(Object.values(AccountabilityMeasure).includes(data.measure), 'measure', '措施无效');
    checkText(p, 'facts', data.facts, '事实和依据', 5000);
    checkDay(p, 'decidedOn', data.decidedOn, this.deps.now());
    checkText(p, 'decisionRef', data.decisionRef, '决定文号', 100, false);
    const staffUnit = data.staffUnitCode ? await this.em.findOne(Unit, { code: data.staffUnitCode }) : null;
    p.check(
      !!staffUnit && isSameOrBelow(staffUnit.path, actor.unitPath),
      'staffUnitCode',
      '工作人员所在单位不存在或不在您的管辖范围内',
    );
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'supervision.accountability.record', entity: AccountabilityRecord, ...keyAndInput(data) },
      async (em) => {
        const f = await em.findOne(InspectionFinding, { id: findingId! });
        const i = f
          ? await em.findOne(
              Inspection,
              { id: f.inspection.id },
              { populate: ['scopeUnit', 'organizingUnit'] },
            )
          : null;
        if (!f || !i || !inspectionVisible(actor, i)) throw new NotFoundError('检查发现的问题');
        if (!isSameOrBelow(i.organizingUnit.path, actor.unitPath))
          throw new ForbiddenError('只有组织本次检查的单位（或其上级）的监督检查人员可以记录责任追究');
        const r = em.create(AccountabilityRecord, {
          finding: f,
          staffName: data.staffName.trim(),
          staffUserId: trimOrNull(data.staffUserId),
          staffUnit: em.getReference(Unit, staffUnit!.id),
          misconduct: data.misconduct,
          measure: data.measure,
          facts: data.facts.trim(),
          decidedOn: data.decidedOn,
          decisionRef: trimOrNull(data.decisionRef),
          recordedBy: actor.name,
          recordedByUserId: actor.userId,
          recordedAt: this.deps.now(),
        });
        await em.flush();
        await this.audit.withEm(em).record({
          actor,
          operation: 'supervision.accountability.record',
          caseId: f.caseId,
          details: {
            recordId: r.id,
            findingId: f.id,
            staffUnitCode: staffUnit!.code,
            misconduct: r.misconduct,
            measure: r.measure,
          },
        });
        return r;
      },
    );
  }

  private async filterSql(actor: Actor, filter: AccountabilityFilter, p: Problems) {
    const period = checkPeriod(p, filter.from, filter.to);
    p.check(
      !filter.misconduct || Object.values(Misconduct).includes(filter.misconduct),
      'misconduct',
      '情形无效',
    );
    p.check(
      !filter.measure || Object.values(AccountabilityMeasure).includes(filter.measure),
      'measure',
      '措施无效',
    );
    p.throwIfAny();
    const unit = filter.unitCode
      ? await unitInJurisdiction(this.em, actor, filter.unitCode)
      : await this.em.findOne(Unit, { id: actor.unitId });
    if (!unit) return null;
    return {
      unit,
      period,
      from: 'from accountability_record a join unit u on u.id = a.staff_unit_id',
      where: new Conditions()
        .and('u.path <@ ?::ltree', unit.path)
        .andIf(filter.misconduct, 'a.misconduct = ?')
        .andIf(filter.measure, 'a.measure = ?')
        .dayIn('a.decided_on', period),
    };
  }

  /** Records for staff of units in the actor's subtree (or the given unit's), newest first. */
  async list(
    actor: Actor,
    filter: AccountabilityFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<AccountabilityRecord>> {
    this.assertReader(actor);
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['i']);
    const q = await this.filterSql(actor, filter, p);
    if (!q) return emptyPage();
    return newestFirstPage(this.em, AccountabilityRecord, 'a', q.from, q.where, first, cursor);
  }

  /** Counts by misconduct and by measure (every value listed, zeros included). */
  async statistics(actor: Actor, filter: AccountabilityFilter): Promise<AccountabilityStatistics> {
    this.assertReader(actor);
    const p = new Problems();
    const q = await this.filterSql(actor, filter, p);
    if (!q) throw new NotFoundError(`单位 ${filter.unitCode ?? ''} `);
    const rows = await this.em.execute<
      { misconduct: Misconduct; measure: AccountabilityMeasure; n: number }[]
    >(
      `select a.misconduct, a.measure, count(*)::int as n ${q.from} where ${q.where.sql}
        group by a.misconduct, a.measure`,
      q.where.params,
    );
    const sum = (pick: (r: (typeof rows)[number]) => boolean) =>
      rows.filter(pick).reduce((s, r) => s + r.n, 0);
    return {
      unit: q.unit,
      from: q.period.from,
      to: q.period.to,
      total: sum(() => true),
      byMisconduct: Object.values(Misconduct).map((m) => ({
        misconduct: m,
        count: sum((r) => r.misconduct === m),
      })),
      byMeasure: Object.values(AccountabilityMeasure).map((m) => ({
        measure: m,
        count: sum((r) => r.measure === m),
      })),
    };
  }

  /**
   * A finding's records, for the Finding.accountabilityRecords field: readers only, and only
   * records for staff of units in the reader's jurisdiction, as in the list.
   */
  async forFindings(actor: Actor, findingIds: readonly number[]): Promise<AccountabilityRecord[]> {
    this.assertReader(actor);
    if (!findingIds.length) return [];
    const rows = await this.em.execute<{ id: number }[]>(
      `select a.id from accountability_record a join unit u on u.id = a.staff_unit_id
        where a.finding_id = any(?::int[]) and u.path <@ ?::ltree order by a.id`,
      [arrayLiteral([...findingIds]), actor.unitPath],
    );
    return rows.length
      ? this.em.find(AccountabilityRecord, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { id: 'asc' } })
      : [];
  }
}
