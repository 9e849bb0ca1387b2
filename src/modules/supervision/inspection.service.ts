import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { ORDER_READERS } from '../../access/roles';
import type { Deps } from '../../shared/deps';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import { isIsoDate, todayInChina } from '../../shared/dates';
import { checkPage, emptyPage, keysetPage, type Page } from '../../shared/paging';
import { Conditions, inIdOrder, newestFirstPage } from '../../shared/sql';
import type { AuditService } from '../audit/audit.service';
import { Unit } from '../org/unit.entity';
import { isSameOrBelow, jurisdictionPath, unitInJurisdiction } from '../../access/jurisdiction';
import { inspectionVisible, orderVisible } from '../../access/visibility';
import { checkDay, checkId, checkText, requiredId } from '../../shared/checks';
import { Inspection, InspectionFinding, RectificationOrder } from './supervision.entity';
import {
  FindingProblem,
  FindingTargetKind,
  InspectionStatus,
  RectificationStatus,
} from './supervision.enums';
import { assertInspector, checkPeriod, inspectionScope, scopeSql } from './scope';
import type { InspectionFilter } from './inspection-queries.service';
import { checkIdempotencyKey, writeOnce, keyAndInput } from '../followup/idempotency';

export interface CreateInspectionData {
  title: string;
  scopeUnitCode: string;
  periodFrom: string;
  periodTo: string;
  inspectors: string[];
  idempotencyKey?: string | null;
}

export interface AddFindingData {
  inspectionId: string | number;
  targetKind: FindingTargetKind;
  targetId: string | number;
  problem: FindingProblem;
  description: string;
  idempotencyKey?: string | null;
}

export interface IssueOrderData {
  findingId: string | number;
  /** Default: the unit the finding concerns. */
  responsibleUnitCode?: string | null;
  requirement: string;
  deadline: string;
  /** A rejected order of the same finding that this one re-issues. */
  reissueOfId?: string | number | null;
  idempotencyKey?: string | null;
}

export interface CompletionData {
  orderId: string | number;
  report: string;
  completedOn: string;
}

export interface VerificationData {
  orderId: string | number;
  passed: boolean;
  opinion: string;
}

export interface InspectionListFilter {
  status?: InspectionStatus | null;
  /** Inspections whose scope lies in this unit's subtree. */
  unitCode?: string | null;
  /** Inspections whose period overlaps this one. */
  from?: string | null;
  to?: string | null;
}

export interface OrderListFilter {
  status?: RectificationStatus | null;
  /** Orders whose responsible unit lies in this unit's subtree. */
  unitCode?: string | null;
  inspectionId?: string | number | null;
  /** Only orders still ISSUED after their deadline. */
  overdueOnly?: boolean | null;
}

export const MAX_INSPECTORS = 20;

const ORDERS_FROM = 'from rectification_order r join unit u on u.id = r.responsible_unit_id';

/** The case a target record belongs to, by kind (the follow-up tables are read, never written). */
const TARGET_CASE_SQL: Record<FindingTargetKind, string> = {
  CASE: 'select x.id as case_id from petition_case x where x.id = ?',
  ARCHIVE: 'select x.case_id from termination_archive x where x.id = ?',
  RETURN_VISIT: 'select x.case_id from return_visit x where x.id = ?',
  TRACKING_RECORD: 'select x.case_id from tracking_record x where x.id = ?',
  ESCALATION_REPORT: 'select x.case_id from escalation_report x where x.id = ?',
};

/**
 * Inspections (seed §5.1): an inspection (scope = a unit subtree, a period, the inspectors) records
 * findings against specific cases, archives, visit records, tracking records or escalation reports;
 * a finding gets rectification orders (responsible unit, requirement, deadline); the responsible
 * unit's officers report completion; the inspecting supervisors verify it (passed → VERIFIED;
 * not passed → REJECTED, and a new order may re-issue it).
 *
 * Who: supervisors whose unit is the inspection's organizing unit or above it write (create,
 * findings, orders, verification, conclusion); supervisors and reviewers read inspections within
 * their jurisdiction; officers report completion for their own unit. Each transition is one
 * transaction under a row lock, refused with CONFLICT from a wrong state, and audited last.
 */
export class InspectionService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  private today() {
    return todayInChina(this.deps.now());
  }

  private async audited(
    em: EntityManager,
    actor: Actor,
    operation: string,
    caseId: number | null,
    details: object,
  ) {
    await this.audit
      .withEm(em)
      .record({ actor, operation, caseId, details: details as Record<string, unknown> });
  }

  // ---- access ----

  private assertOrganizer(actor: Actor, i: Inspection, what: string): void {
    if (actor.role !== 'SUPERVISOR' || !isSameOrBelow(i.organizingUnit.path, actor.unitPath))
      throw new ForbiddenError(`只有组织本次检查的单位（或其上级）的监督检查人员可以${what}`);
  }

  private async loadInspection(em: EntityManager, id: number): Promise<Inspection | null> {
    return em.findOne(Inspection, { id }, { populate: ['scopeUnit', 'organizingUnit'] });
  }

  /** The inspection, row-locked and re-read, for a write by one of its organizers. */
  private async lockedForOrganizer(
    em: EntityManager,
    actor: Actor,
    id: number,
    what: string,
  ): Promise<Inspection> {
    const i = await this.loadInspection(em, id);
    if (!i || !inspectionVisible(actor, i)) throw new NotFoundError('检查');
    this.assertOrganizer(actor, i, what);
    await em.execute('select 1 from inspection where id = ? for update', [i.id]);
    await em.refresh(i);
    return i;
  }

  // ---- inspections ----

  async create(actor: Actor, data: CreateInspectionData): Promise<Inspection> {
    if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以登记检查');
    const p = new Problems();
    checkText(p, 'title', data.title, '检查名称', 200);
    checkPeriod(p, data.periodFrom, data.periodTo, ['periodFrom', 'periodTo']);
    p.check(!!data.periodFrom, 'periodFrom', '被检查期间起不能为空');
    p.check(!!data.periodTo, 'periodTo', '被检查期间止不能为空');
    const inspectors = [...new Set((data.inspectors ?? []).map((n) => n?.trim() ?? ''))];
    p.check(
      inspectors.length >= 1 && inspectors.length <= MAX_INSPECTORS,
      'inspectors',
      `检查人员应为 1–${MAX_INSPECTORS} 人`,
    );
    p.check(
      inspectors.every((n) => n.length >= 1 && n.length <= 50),
      'inspectors',
      '检查人员姓名不能为空，且不超过50字',
    );
    const scopeUnit = data.scopeUnitCode ? await this.em.findOne(Unit, { code: data.scopeUnitCode }) : null;
    p.check(
      !!scopeUnit && isSameOrBelow(scopeUnit.path, actor.unitPath),
      'scopeUnitCode',
      '检查范围的单位不存在或不在您的管辖范围内',
    );
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'supervision.inspection.create', entity: Inspection, ...keyAndInput(data) },
      async (em) => {
        const i = em.create(Inspection, {
          title: data.title.trim(),
          scopeUnit: em.getReference(Unit, scopeUnit!.id),
          organizingUnit: em.getReference(Unit, actor.unitId),
          periodFrom: data.periodFrom,
          periodTo: data.periodTo,
          inspectors,
          createdBy: actor.name,
          createdByUserId: actor.userId,
          createdAt: this.deps.now(),
        });
        await em.flush();
        await this.audited(em, actor, 'supervision.inspection.create', null, {
          inspectionId: i.id,
          scopeUnitCode: scopeUnit!.code,
          periodFrom: i.periodFrom,
          periodTo: i.periodTo,
          inspectors: inspectors.length,
        });
        return i;
      },
    );
  }

  /** IN_PROGRESS → CONCLUDED with the inspection's conclusion. */
  async conclude(actor: Actor, inspectionId: string | number, conclusion: string): Promise<Inspection> {
    const p = new Problems();
    const id = requiredId(p, 'inspectionId', inspectionId, '检查');
    checkText(p, 'conclusion', conclusion, '检查结论', 5000);
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const i = await this.lockedForOrganizer(em, actor, id!, '结束检查');
      if (i.status !== InspectionStatus.IN_PROGRESS) throw new ConflictError('该检查已结束，不能重复结束');
      i.status = InspectionStatus.CONCLUDED;
      i.conclusion = conclusion.trim();
      i.concludedBy = actor.name;
      i.concludedByUserId = actor.userId;
      i.concludedAt = this.deps.now();
      await em.flush();
      await this.audited(em, actor, 'supervision.inspection.conclude', null, {
        inspectionId: i.id,
        status: i.status,
      });
      return i;
    });
  }

  async byId(actor: Actor, id: number): Promise<Inspection> {
    assertInspector(actor);
    const i = Number.isSafeInteger(id) && id > 0 ? await this.loadInspection(this.em, id) : null;
    if (!i || !inspectionVisible(actor, i)) throw new NotFoundError('检查');
    return i;
  }

  /** Inspections within the actor's jurisdiction (scope or organizing unit), newest first. */
  async list(
    actor: Actor,
    filter: InspectionListFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<Inspection>> {
    assertInspector(actor);
    const p = new Problems();
    const period = checkPeriod(p, filter.from, filter.to);
    const { cursor } = checkPage(p, first, after, ['i']);
    p.check(!filter.status || Object.values(InspectionStatus).includes(filter.status), 'status', '状态无效');
    p.throwIfAny();
    const where = new Conditions().and(
      '(su.path <@ ?::ltree or ou.path <@ ?::ltree)',
      actor.unitPath,
      actor.unitPath,
    );
    if (filter.unitCode) {
      const unit = await unitInJurisdiction(this.em, actor, filter.unitCode);
      if (!unit) return emptyPage();
      where.and('su.path <@ ?::ltree', unit.path);
    }
    where.andIf(filter.status, 'i.status = ?').spanOverlaps('i.period_from', 'i.period_to', period);
    const from = `from inspection i join unit su on su.id = i.scope_unit_id
      join unit ou on ou.id = i.organizing_unit_id`;
    return newestFirstPage(this.em, Inspection, 'i', from, where, first, cursor);
  }

  // ---- findings ----

  async addFinding(actor: Actor, data: AddFindingData): Promise<InspectionFinding> {
    if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以记录检查发现的问题');
    const p = new Problems();
    const inspectionId = requiredId(p, 'inspectionId', data.inspectionId, '检查');
    p.check(Object.values(FindingTargetKind).includes(data.targetKind), 'targetKind', '对象类别无效');
    const targetId = requiredId(p, 'targetId', data.targetId, '对象');
    p.check(Object.values(FindingProblem).includes(data.problem), 'problem', '问题类别无效');
    checkText(p, 'description', data.description, '问题描述', 5000);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'supervision.finding.add', entity: InspectionFinding, ...keyAndInput(data) },
      async (em) => {
        const i = await this.lockedForOrganizer(em, actor, inspectionId!, '记录问题');
        if (i.status !== InspectionStatus.IN_PROGRESS)
          throw new ConflictError('该检查已结束，不能再记录问题');
        const [target] = await em.execute<{ case_id: number; unit_id: number; path: string }[]>(
          `with t as (${TARGET_CASE_SQL[data.targetKind]})
         select c.id as case_id, u.id as unit_id, u.path::text as path
           from t join petition_case c on c.id = t.case_id join unit u on u.id = c.handling_unit_id`,
          [targetId],
        );
        if (!target || !isSameOrBelow(target.path, i.scopeUnit.path))
          throw new BadInputError([{ field: 'targetId', message: '对象不存在或不在本次检查范围内' }]);
        const f = em.create(InspectionFinding, {
          inspection: i,
          targetKind: data.targetKind,
          targetId: targetId!,
          caseId: target.case_id,
          unit: em.getReference(Unit, target.unit_id),
          problem: data.problem,
          description: data.description.trim(),
          recordedBy: actor.name,
          recordedByUserId: actor.userId,
          recordedAt: this.deps.now(),
        });
        await em.flush();
        await this.audited(em, actor, 'supervision.finding.add', target.case_id, {
          inspectionId: i.id,
          findingId: f.id,
          targetKind: f.targetKind,
          targetId: f.targetId,
          problem: f.problem,
        });
        return f;
      },
    );
  }

  // ---- rectification ----

  async issueOrder(actor: Actor, data: IssueOrderData): Promise<RectificationOrder> {
    if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以下达整改通知');
    const p = new Problems();
    const findingId = requiredId(p, 'findingId', data.findingId, '问题');
    checkText(p, 'requirement', data.requirement, '整改要求', 5000);
    if (!isIsoDate(data.deadline)) p.add('deadline', '日期格式应为 YYYY-MM-DD');
    else p.check(data.deadline >= this.today(), 'deadline', '整改期限不能早于今天');
    const reissueOfId = checkId(p, 'reissueOfId', data.reissueOfId);
    const unit = data.responsibleUnitCode
      ? await this.em.findOne(Unit, { code: data.responsibleUnitCode })
      : undefined;
    p.check(unit !== null, 'responsibleUnitCode', '责任单位不存在');
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'supervision.rectification.issue', entity: RectificationOrder, ...keyAndInput(data) },
      async (em) => {
        const f = await em.findOne(InspectionFinding, { id: findingId! }, { populate: ['unit'] });
        if (!f) throw new NotFoundError('检查发现的问题');
        const i = await this.lockedForOrganizer(em, actor, f.inspection.id, '下达整改通知').catch((e) => {
          throw e instanceof NotFoundError ? new NotFoundError('检查发现的问题') : e;
        });
        const responsible = unit ?? f.unit;
        new Problems()
          .check(
            isSameOrBelow(responsible.path, i.scopeUnit.path),
            'responsibleUnitCode',
            '责任单位应在本次检查范围内',
          )
          .throwIfAny();
        if (reissueOfId) {
          await em.execute('select 1 from rectification_order where id = ? for update', [reissueOfId]);
          const previous = await em.findOne(RectificationOrder, { id: reissueOfId });
          if (!previous || previous.finding.id !== f.id)
            throw new BadInputError([{ field: 'reissueOfId', message: '所接续的整改通知不属于该问题' }]);
          if (previous.status !== RectificationStatus.REJECTED)
            throw new ConflictError('只有核查未通过的整改通知可以重新下达');
          if (await em.findOne(RectificationOrder, { reissueOfId }))
            throw new ConflictError('该整改通知已重新下达过，不能重复下达');
        } else if (i.status !== InspectionStatus.IN_PROGRESS) {
          throw new ConflictError('该检查已结束，不能再下达新的整改通知（核查未通过的可重新下达）');
        }
        const now = this.deps.now();
        const order = em.create(RectificationOrder, {
          finding: f,
          inspectionId: i.id,
          responsibleUnit: responsible,
          requirement: data.requirement.trim(),
          deadline: data.deadline,
          reissueOfId: reissueOfId ?? null,
          issuedBy: actor.name,
          issuedByUserId: actor.userId,
          issuedAt: now,
          issuedOn: todayInChina(now),
        });
        await em.flush();
        await this.audited(em, actor, 'supervision.rectification.issue', f.caseId, {
          inspectionId: i.id,
          findingId: f.id,
          orderId: order.id,
          responsibleUnitCode: responsible.code,
          deadline: order.deadline,
          reissueOfId: order.reissueOfId ?? null,
        });
        return order;
      },
    );
  }

  /** The order, row-locked and re-read (with its finding and responsible unit). */
  private async lockedOrder(em: EntityManager, id: number): Promise<RectificationOrder | null> {
    const order = await em.findOne(RectificationOrder, { id }, { populate: ['responsibleUnit', 'finding'] });
    if (!order) return null;
    await em.execute('select 1 from rectification_order where id = ? for update', [id]);
    await em.refresh(order);
    return order;
  }

  /** ISSUED → COMPLETED: the responsible unit's officer reports what was put right. */
  async reportCompletion(actor: Actor, data: CompletionData): Promise<RectificationOrder> {
    if (actor.role !== 'CASE_OFFICER') throw new ForbiddenError('只有责任单位的经办人员可以报告整改完成');
    const p = new Problems();
    const orderId = requiredId(p, 'orderId', data.orderId, '整改通知');
    checkText(p, 'report', data.report, '整改完成情况', 5000);
    checkDay(p, 'completedOn', data.completedOn, this.deps.now());
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const order = await this.lockedOrder(em, orderId!);
      if (!order || !isSameOrBelow(order.responsibleUnit.path, actor.unitPath))
        throw new NotFoundError('整改通知');
      if (order.responsibleUnit.id !== actor.unitId)
        throw new ForbiddenError('只有责任单位的经办人员可以报告整改完成');
      if (order.status !== RectificationStatus.ISSUED)
        throw new ConflictError(
          order.status === RectificationStatus.COMPLETED
            ? '已报告整改完成，待检查人员核查，不能重复报告'
            : '该整改通知已核查，不能再报告整改完成',
        );
      new Problems()
        .check(
          data.completedOn >= order.issuedOn,
          'completedOn',
          `整改完成日期不能早于整改通知下达日期（${order.issuedOn}）`,
        )
        .throwIfAny();
      order.status = RectificationStatus.COMPLETED;
      order.completionReport = data.report.trim();
      order.completedOn = data.completedOn;
      order.completedBy = actor.name;
      order.completedByUserId = actor.userId;
      order.completedAt = this.deps.now();
      await em.flush();
      await this.audited(em, actor, 'supervision.rectification.complete', order.finding.caseId, {
        orderId: order.id,
        findingId: order.finding.id,
        status: order.status,
        completedOn: order.completedOn,
        late: order.completedOn > order.deadline,
      });
      return order;
    });
  }

  /** COMPLETED → VERIFIED (passed) or REJECTED (not passed), by the inspection's supervisors. */
  async verify(actor: Actor, data: VerificationData): Promise<RectificationOrder> {
    if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以核查整改情况');
    const p = new Problems();
    const orderId = requiredId(p, 'orderId', data.orderId, '整改通知');
    p.check(typeof data.passed === 'boolean', 'passed', '须说明核查是否通过');
    checkText(p, 'opinion', data.opinion, '核查意见', 5000);
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const found = await em.findOne(RectificationOrder, { id: orderId! });
      const i = found ? await this.loadInspection(em, found.inspectionId) : null;
      if (!found || !i || !inspectionVisible(actor, i)) throw new NotFoundError('整改通知');
      this.assertOrganizer(actor, i, '核查整改情况');
      const order = (await this.lockedOrder(em, found.id))!;
      if (order.status !== RectificationStatus.COMPLETED)
        throw new ConflictError(
          order.status === RectificationStatus.ISSUED
            ? '责任单位尚未报告整改完成，不能核查'
            : '该整改通知已核查（可能由其他检查人员处理），不能重复核查',
        );
      order.status = data.passed ? RectificationStatus.VERIFIED : RectificationStatus.REJECTED;
      order.verificationOpinion = data.opinion.trim();
      order.verifiedBy = actor.name;
      order.verifiedByUserId = actor.userId;
      order.verifiedAt = this.deps.now();
      await em.flush();
      await this.audited(em, actor, 'supervision.rectification.verify', order.finding.caseId, {
        orderId: order.id,
        findingId: order.finding.id,
        status: order.status,
      });
      return order;
    });
  }

  /** An order the actor may read: in the jurisdiction of its responsible unit (or of its inspection). */
  async orderById(actor: Actor, id: number): Promise<RectificationOrder> {
    if (!ORDER_READERS.includes(actor.role)) throw new ForbiddenError('无权查看整改通知');
    const order =
      Number.isSafeInteger(id) && id > 0
        ? await this.em.findOne(RectificationOrder, { id }, { populate: ['responsibleUnit'] })
        : null;
    const [readable] = order ? await this.readableOrders(actor, [order]) : [];
    if (!readable) throw new NotFoundError('整改通知');
    return readable;
  }

  /**
   * The orders the actor may read, in the order given: the one rule for the order itself, the
   * orders of a finding and a reissued order's predecessor.
   */
  async readableOrders(actor: Actor, orders: readonly RectificationOrder[]): Promise<RectificationOrder[]> {
    if (!ORDER_READERS.includes(actor.role) || !orders.length) return [];
    await this.em.populate(orders as RectificationOrder[], ['responsibleUnit']);
    const others = orders.filter((o) => !isSameOrBelow(o.responsibleUnit.path, actor.unitPath));
    // the inspections only matter for orders outside the reader's jurisdiction (never for officers)
    const inspections = new Map<number, Inspection>();
    if (others.length && actor.role !== 'CASE_OFFICER') {
      const found = await this.em.find(
        Inspection,
        { id: { $in: [...new Set(others.map((o) => o.inspectionId))] } },
        { populate: ['scopeUnit', 'organizingUnit'] },
      );
      for (const i of found) inspections.set(i.id, i);
    }
    return orders.filter((o) => orderVisible(actor, o, inspections.get(o.inspectionId)));
  }

  /** Orders whose responsible unit is in the actor's jurisdiction, newest first. */
  async orders(
    actor: Actor,
    filter: OrderListFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<RectificationOrder>> {
    if (!ORDER_READERS.includes(actor.role)) throw new ForbiddenError('无权查看整改通知');
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['i']);
    p.check(
      !filter.status || Object.values(RectificationStatus).includes(filter.status),
      'status',
      '状态无效',
    );
    const inspectionId = checkId(p, 'inspectionId', filter.inspectionId);
    p.throwIfAny();
    const root = await jurisdictionPath(this.em, actor, filter.unitCode);
    if (!root) return emptyPage();
    const where = new Conditions()
      .and('u.path <@ ?::ltree', root)
      .andIf(filter.status, 'r.status = ?')
      .andIf(inspectionId, 'r.inspection_id = ?');
    if (filter.overdueOnly) where.and(`r.status = 'ISSUED' and r.deadline < ?::date`, this.today());
    return newestFirstPage(this.em, RectificationOrder, 'r', ORDERS_FROM, where, first, cursor);
  }

  /**
   * Inspection query: orders still ISSUED after their deadline, of responsible units in scope
   * (issued in the period), the most overdue first.
   */
  async overdueOrders(
    actor: Actor,
    filter: InspectionFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<RectificationOrder>> {
    const p = new Problems();
    const period = checkPeriod(p, filter.from, filter.to);
    const { cursor } = checkPage(p, first, after, ['d', 'i']);
    p.throwIfAny();
    const scope = await inspectionScope(this.em, actor, filter.unitCode);
    if (!scope) return emptyPage();
    const inScope = scopeSql(scope);
    const where = new Conditions()
      .and(`r.status = 'ISSUED'`)
      .and('r.deadline < ?::date', this.today())
      .and(inScope.sql, ...inScope.params)
      .dayIn('r.issued_on', period);
    const base = `${ORDERS_FROM} where ${where.sql}`;
    const params = where.params;
    const [[{ total }], rows] = await Promise.all([
      this.em.execute<{ total: number }[]>(`select count(*)::int as total ${base}`, params),
      this.em.execute<{ id: number; deadline: string }[]>(
        `select r.id, r.deadline::text as deadline ${base}
         ${cursor ? 'and (r.deadline, r.id) > (?::date, ?::int)' : ''}
         order by r.deadline, r.id limit ?`,
        [...params, ...(cursor ?? []), first + 1],
      ),
    ]);
    const page = keysetPage(rows, first, (r) => [r.deadline, r.id]);
    return {
      ...page,
      nodes: await inIdOrder(
        this.em,
        RectificationOrder,
        page.nodes.map((r) => r.id),
      ),
      totalCount: total,
    };
  }
}
