import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { ConditionNotMetError, ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import { isIsoDate, todayInChina } from '../../shared/dates';
import { UnitService } from '../org/unit.service';
import type { CaseService } from '../case/case.service';
import type { AuditService } from '../audit/audit.service';
import { Unit } from '../org/unit.entity';
import { ApplicationStatus, CaseStatus, DeliveryMethod, TerminationCondition } from '../case/case.enums';
import { unmetTerminationCondition } from '../case/procedure';
import { isSameOrBelow } from '../../access/jurisdiction';
import { TerminationApplication } from './termination.entity';
import { ensureArchive } from '../followup/archive.service';
import { LIST_LAST_MAX } from '../../graphql/list-bound';
import { checkIdempotencyKey, writeOnce } from '../followup/idempotency';

export interface NotificationData {
  notifiedAt: string;
  deliveryMethod: DeliveryMethod;
  explanation: string;
}

/**
 * 信访终结: application by the handling unit, examination by the nearest petition agency above
 * it (approve with a decision number, or return with reasons), notification, TERMINATED.
 * Each transition is one transaction and is refused with CONFLICT from a wrong state.
 */
export class TerminationService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  private async audited(em: EntityManager, actor: Actor, operation: string, a: TerminationApplication) {
    await this.audit.withEm(em).record({
      actor,
      operation,
      caseId: a.case.id,
      details: { applicationId: a.id, condition: a.condition, decisionNumber: a.decisionNumber ?? null },
    });
  }

  /**
   * One write of the termination procedure: in one transaction, replayed for a repeated
   * idempotency key, and audited as `operation` on the application `write` returns.
   */
  private recorded(
    actor: Actor,
    operation: string,
    idempotencyKey: string | null | undefined,
    input: Record<string, unknown>,
    write: (em: EntityManager) => Promise<TerminationApplication>,
  ): Promise<TerminationApplication> {
    return writeOnce(
      this.em,
      actor,
      { key: idempotencyKey, operation, entity: TerminationApplication, input },
      async (em) => {
        const a = await write(em);
        await em.flush();
        await this.audited(em, actor, operation, a);
        return a;
      },
    );
  }

  private today() {
    return todayInChina(this.deps.now());
  }

  /** The handling unit's officer proposes termination, citing a condition the hub then checks. */
  async apply(
    actor: Actor,
    caseId: number,
    condition: TerminationCondition,
    statement: string,
    idempotencyKey?: string | null,
  ): Promise<TerminationApplication> {
    const p = new Problems();
    p.check(Object.values(TerminationCondition).includes(condition), 'condition', '终结条件无效');
    p.check(
      !!statement?.trim() && statement.trim().length <= 5000,
      'statement',
      '申请说明不能为空，且不超过5000字',
    );
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.recorded(
      actor,
      'termination.apply',
      idempotencyKey,
      { caseId, condition, statement },
      async (em) => {
        const c = await this.cases.forHandlingUnit(actor, caseId, em);
        if (c.status !== CaseStatus.IN_PROGRESS)
          throw new ConflictError('该事项已申请终结或已终结，不能重复申请');
        const facts = await this.cases.facts(c, undefined, em);
        const unmet = unmetTerminationCondition(condition, facts, this.deps.config.periods, this.today());
        if (unmet.length) throw new ConditionNotMetError(condition, unmet);
        const agency = await new UnitService(em).nearestAgencyAbove(c.handlingUnit.code);
        if (!agency) throw new ConflictError('承办单位之上没有信访工作机构，无法提交终结申请');
        const application = em.create(TerminationApplication, {
          case: c,
          condition,
          statement: statement.trim(),
          appliedBy: actor.name,
          appliedAt: this.deps.now(),
          examiningUnit: agency,
        });
        c.status = CaseStatus.TERMINATION_APPLIED;
        return application;
      },
    );
  }

  /** Approves a pending application and issues the next decision number of the agency's year. */
  async approve(
    actor: Actor,
    applicationId: number,
    idempotencyKey?: string | null,
  ): Promise<TerminationApplication> {
    const keyProblems = new Problems();
    checkIdempotencyKey(keyProblems, idempotencyKey);
    keyProblems.throwIfAny();
    return this.recorded(actor, 'termination.approve', idempotencyKey, { applicationId }, async (em) => {
      const a = await this.examine(actor, applicationId, em, ApplicationStatus.APPROVED);
      const decidedAt = this.today();
      const year = Number(decidedAt.slice(0, 4));
      // The counter row stays locked until commit: concurrent approvals queue, and a rollback
      // gives the number back, so numbers are unique and gap-free per agency and year.
      const [{ n }] = await em.execute<{ n: number }[]>(
        `insert into decision_number_counter (agency_unit_id, year, last_n) values (?, ?, 1)
         on conflict (agency_unit_id, year) do update set last_n = decision_number_counter.last_n + 1
         returning last_n as n`,
        [a.examiningUnit.id, year],
      );
      a.decisionNumber = this.formatDecisionNumber(year, n, a.examiningUnit);
      a.decidedAt = decidedAt;
      return a;
    });
  }

  /** Returns a pending application to the handling unit with reasons (required); it may apply again. */
  async returnApplication(
    actor: Actor,
    applicationId: number,
    reasons: string,
    idempotencyKey?: string | null,
  ): Promise<TerminationApplication> {
    const p = new Problems().check(
      !!reasons?.trim() && reasons.trim().length <= 5000,
      'reasons',
      '退回必须说明理由（不超过5000字）',
    );
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.recorded(
      actor,
      'termination.return',
      idempotencyKey,
      { applicationId, reasons },
      async (em) => {
        const a = await this.examine(actor, applicationId, em, ApplicationStatus.RETURNED);
        a.returnReasons = reasons.trim();
        return a;
      },
    );
  }

  /** 告知: the handling unit records the written notice; only then is the case TERMINATED. */
  async notify(
    actor: Actor,
    caseId: number,
    data: NotificationData,
    idempotencyKey?: string | null,
  ): Promise<TerminationApplication> {
    const p = new Problems();
    if (!isIsoDate(data.notifiedAt)) p.add('notifiedAt', '日期格式应为 YYYY-MM-DD');
    else p.check(data.notifiedAt <= this.today(), 'notifiedAt', '日期不能晚于今天');
    p.check(Object.values(DeliveryMethod).includes(data.deliveryMethod), 'deliveryMethod', '送达方式无效');
    p.check(
      !!data.explanation?.trim() && data.explanation.trim().length <= 5000,
      'explanation',
      '告知时的解释说明不能为空，且不超过5000字',
    );
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.recorded(actor, 'termination.notify', idempotencyKey, { caseId, ...data }, async (em) => {
      const c = await this.cases.forHandlingUnit(actor, caseId, em);
      if (c.status !== CaseStatus.TERMINATION_APPROVED)
        throw new ConflictError('该事项没有已批准、待告知的终结决定');
      const a = await em.findOneOrFail(TerminationApplication, {
        case: c.id,
        status: ApplicationStatus.APPROVED,
      });
      new Problems()
        .check(
          data.notifiedAt >= a.decidedAt!,
          'notifiedAt',
          `告知日期不能早于终结决定日期（${a.decidedAt}）`,
        )
        .throwIfAny();
      a.notifiedAt = data.notifiedAt;
      a.deliveryMethod = data.deliveryMethod;
      a.notificationExplanation = data.explanation.trim();
      a.notifiedBy = actor.name;
      c.status = CaseStatus.TERMINATED;
      c.terminatedAt = data.notifiedAt;
      await em.flush();
      // The termination archive (信访终结档案) is created at termination, in this transaction.
      await ensureArchive(em, c.id);
      return a;
    });
  }

  /**
   * Pending applications waiting for the actor's agency: a work queue, the oldest (nearest its
   * examination deadline) first, at most `first` (inboxSize says how many there are in all).
   */
  async inbox(actor: Actor, first: number): Promise<TerminationApplication[]> {
    new Problems()
      .check(
        Number.isInteger(first) && first >= 1 && first <= LIST_LAST_MAX,
        'first',
        `应为 1–${LIST_LAST_MAX}`,
      )
      .throwIfAny();
    return this.em.find(TerminationApplication, this.inboxWhere(actor), {
      orderBy: { appliedAt: 'asc', id: 'asc' },
      limit: first,
    });
  }

  /** How many applications are pending for the actor's agency. */
  async inboxSize(actor: Actor): Promise<number> {
    return this.em.count(TerminationApplication, this.inboxWhere(actor));
  }

  private inboxWhere(actor: Actor) {
    return { examiningUnit: actor.unitId, status: ApplicationStatus.PENDING };
  }

  /** A case's approved application (the one with a termination decision number), if any. */
  approvedOf(applications: readonly TerminationApplication[]): TerminationApplication | null {
    return applications.find((a) => a.decisionNumber) ?? null;
  }

  formatDecisionNumber(year: number, n: number, agency: Unit): string {
    return this.deps.config.decisionNumberFormat
      .replaceAll('{year}', String(year))
      .replaceAll('{n}', String(n))
      .replaceAll('{agencyCode}', agency.code)
      .replaceAll('{agencyName}', agency.name);
  }

  /**
   * The examining agency's decision on a pending application: approved (the case awaits the
   * notice) or returned (the case is back in progress), by whom and when.
   */
  private async examine(
    actor: Actor,
    id: number,
    em: EntityManager,
    outcome: ApplicationStatus.APPROVED | ApplicationStatus.RETURNED,
  ): Promise<TerminationApplication> {
    const a = await this.lockedApplicationForReviewer(actor, id, em);
    a.status = outcome;
    a.examinedBy = actor.name;
    a.examinedAt = this.deps.now();
    a.case.status =
      outcome === ApplicationStatus.APPROVED ? CaseStatus.TERMINATION_APPROVED : CaseStatus.IN_PROGRESS;
    return a;
  }

  /**
   * The application, row-locked, if the actor's agency is the one that examines it. Of two
   * reviewers acting at once, the second waits for the lock and then finds it no longer pending.
   */
  private async lockedApplicationForReviewer(
    actor: Actor,
    id: number,
    em: EntityManager,
  ): Promise<TerminationApplication> {
    const found = Number.isSafeInteger(id)
      ? await em.findOne(
          TerminationApplication,
          { id },
          { populate: ['case', 'case.handlingUnit', 'examiningUnit'] },
        )
      : null;
    if (!found || !isSameOrBelow(found.case.handlingUnit.path, actor.unitPath))
      throw new NotFoundError('终结申请');
    if (found.examiningUnit.id !== actor.unitId)
      throw new ForbiddenError('只有最近的上一级信访工作机构可以审核此申请');
    await em.execute('select 1 from termination_application where id = ? for update', [id]);
    await em.refresh(found);
    if (found.status !== ApplicationStatus.PENDING) {
      throw new ConflictError(
        found.status === ApplicationStatus.APPROVED
          ? '该申请已被批准（可能由其他审核人员处理）'
          : '该申请已被退回（可能由其他审核人员处理）',
      );
    }
    return found;
  }
}
