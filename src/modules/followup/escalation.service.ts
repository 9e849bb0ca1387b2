import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { PetitionCase } from '../case/case.entity';
import type { CaseService, MatterData } from '../case/case.service';
import { Unit } from '../org/unit.entity';
import { UnitService } from '../org/unit.service';
import { isSameOrBelow } from '../../access/jurisdiction';
import { checkPage, keysetPage, type Page } from '../../shared/paging';
import { assertFollowUpReader, terminatedCaseForOfficer } from '../../access/follow-up';
import { checkDay, checkId, checkText, requiredId } from '../../shared/checks';
import { EscalationReport, TrackingRecord } from './followup.entity';
import { EscalationKind, EscalationOutcome, EscalationStatus } from './followup.enums';
import { auditFollowUpWrite } from './audited';
import { checkIdempotencyKey, writeOnce, keyAndInput } from './idempotency';
import { SEALED_COLUMN, openJson, openText, sealJson, sealText } from './sealed-text';

export interface ReportEscalationData {
  caseId: string | number;
  kind: EscalationKind;
  discoveredOn: string;
  description: string;
  measuresTaken: string;
  trackingRecordId?: string | number | null;
  idempotencyKey?: string | null;
}

export interface AcknowledgeEscalationData {
  reportId: string | number;
  measures: string;
  idempotencyKey?: string | null;
}

export interface NewMatterData extends MatterData {
  /** Unit that will handle the new matter; default the terminated case's handling unit. */
  handlingUnitCode?: string | null;
}

export interface ResolveEscalationData {
  reportId: string | number;
  outcome: EscalationOutcome;
  measures: string;
  newCase?: NewMatterData | null;
  idempotencyKey?: string | null;
}

export interface ReportNotes {
  description: string;
  measuresTaken: string;
}

const OPEN_STATUSES = [EscalationStatus.REPORTED, EscalationStatus.ACKNOWLEDGED];

/**
 * 报告上级 (seed §3.3.2): the handling unit reports a new demand or a likely new issue, with the
 * measures it took, to the nearest petition agency above it; that agency's reviewers acknowledge
 * and resolve it, recording their measures at each step: REPORTED → ACKNOWLEDGED → RESOLVED, each
 * transition once, under a row lock (a second reviewer acting at once gets CONFLICT). A genuinely
 * new matter is resolved by registering it as a new case linked to the terminated one.
 */
export class EscalationService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  /** The audit entry of a step of report `r` on case `c`: the report's state after the step. */
  private async audited(
    em: EntityManager,
    actor: Actor,
    operation: string,
    r: EscalationReport,
    c: PetitionCase,
  ) {
    await auditFollowUpWrite(this.audit, em, actor, operation, c, () => ({
      reportId: r.id,
      kind: r.kind,
      status: r.status,
      targetAgencyId: r.targetAgency.id,
      outcome: r.outcome ?? null,
      newCaseId: r.newCaseId ?? null,
    }));
  }

  async report(actor: Actor, data: ReportEscalationData): Promise<EscalationReport> {
    const p = new Problems();
    const caseId = requiredId(p, 'caseId', data.caseId, '事项');
    p.check(Object.values(EscalationKind).includes(data.kind), 'kind', '报告情形无效');
    checkDay(p, 'discoveredOn', data.discoveredOn, this.deps.now());
    checkText(p, 'description', data.description, '新的诉求或可能引发的问题', 5000);
    checkText(p, 'measuresTaken', data.measuresTaken, '已采取的措施', 5000);
    const trackingRecordId = checkId(p, 'trackingRecordId', data.trackingRecordId);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'followup.reportEscalation', entity: EscalationReport, ...keyAndInput(data) },
      async (em) => {
        const c = await terminatedCaseForOfficer(this.cases, actor, caseId!, em);
        const dp = new Problems();
        dp.check(
          data.discoveredOn >= c.terminatedAt!,
          'discoveredOn',
          `发现日期不能早于终结日期（${c.terminatedAt}）`,
        );
        if (trackingRecordId) {
          const t = await em.findOne(TrackingRecord, { id: trackingRecordId, case: c.id });
          dp.check(!!t, 'trackingRecordId', '该跟踪记录不属于此事项');
        }
        dp.throwIfAny();
        const agency = await new UnitService(em).nearestAgencyAbove(c.handlingUnit.code);
        if (!agency) throw new ConflictError('承办单位之上没有信访工作机构，无法报告');
        const notes: ReportNotes = {
          description: data.description.trim(),
          measuresTaken: data.measuresTaken.trim(),
        };
        const r = em.create(EscalationReport, {
          case: c,
          kind: data.kind,
          targetAgency: agency,
          trackingRecordId,
          discoveredOn: data.discoveredOn,
          reportEnc: sealJson(this.deps, SEALED_COLUMN.escalationReport, notes),
          reportedBy: actor.name,
          reportedByUserId: actor.userId,
          reportedAt: this.deps.now(),
        });
        await this.audited(em, actor, 'followup.reportEscalation', r, c);
        return r;
      },
    );
  }

  async acknowledge(actor: Actor, data: AcknowledgeEscalationData): Promise<EscalationReport> {
    const p = new Problems();
    const reportId = requiredId(p, 'reportId', data.reportId, '报告');
    checkText(p, 'measures', data.measures, '签收时采取的措施', 5000);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'followup.acknowledgeEscalation', entity: EscalationReport, ...keyAndInput(data) },
      async (em) => {
        const { report: r, case: c } = await this.lockedForReviewer(actor, reportId!, em);
        if (r.status !== EscalationStatus.REPORTED)
          throw new ConflictError(
            r.status === EscalationStatus.ACKNOWLEDGED
              ? '该报告已签收（可能由其他审核人员处理），不能重复签收'
              : '该报告已办结，不能再签收',
          );
        r.status = EscalationStatus.ACKNOWLEDGED;
        r.acknowledgedAt = this.deps.now();
        r.acknowledgedBy = actor.name;
        r.acknowledgedByUserId = actor.userId;
        r.acknowledgeEnc = sealText(this.deps, SEALED_COLUMN.escalationAcknowledge, data.measures.trim());
        await this.audited(em, actor, 'followup.acknowledgeEscalation', r, c);
        return r;
      },
    );
  }

  async resolve(actor: Actor, data: ResolveEscalationData): Promise<EscalationReport> {
    const p = new Problems();
    const reportId = requiredId(p, 'reportId', data.reportId, '报告');
    p.check(Object.values(EscalationOutcome).includes(data.outcome), 'outcome', '办结方式无效');
    checkText(p, 'measures', data.measures, '办结时采取的措施', 5000);
    const newMatter = data.outcome === EscalationOutcome.NEW_CASE_REGISTERED;
    if (newMatter && !data.newCase) p.add('newCase', '作为新的信访事项办结时，须填写新事项的登记信息');
    if (!newMatter && data.newCase)
      p.add('newCase', '只有作为新的信访事项办结（NEW_CASE_REGISTERED）时才登记新事项');
    if (newMatter && data.newCase) this.cases.checkMatter(data.newCase, p, 'newCase.');
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'followup.resolveEscalation', entity: EscalationReport, ...keyAndInput(data) },
      async (em) => {
        const { report: r, case: c } = await this.lockedForReviewer(actor, reportId!, em);
        if (r.status !== EscalationStatus.ACKNOWLEDGED)
          throw new ConflictError(
            r.status === EscalationStatus.REPORTED
              ? '该报告尚未签收，须先签收再办结'
              : '该报告已办结（可能由其他审核人员处理），不能重复办结',
          );
        let newCase: PetitionCase | null = null;
        if (newMatter) {
          const nm = data.newCase!;
          const unit = nm.handlingUnitCode
            ? await em.findOne(Unit, { code: nm.handlingUnitCode })
            : await em.findOneOrFail(Unit, { id: c.handlingUnit.id });
          const dp = new Problems();
          dp.check(
            !!unit && isSameOrBelow(unit.path, actor.unitPath),
            'newCase.handlingUnitCode',
            '承办单位不存在或不在本机构管辖范围内',
          );
          dp.check(
            nm.acceptedAt >= r.discoveredOn,
            'newCase.acceptedAt',
            `受理日期不能早于发现新诉求的日期（${r.discoveredOn}）`,
          );
          dp.throwIfAny();
          newCase = await this.cases.register(actor, nm, {
            em,
            handlingUnit: unit!,
            samePetitionerAs: c,
            relatedCaseId: c.id,
          });
        }
        r.status = EscalationStatus.RESOLVED;
        r.outcome = data.outcome;
        r.resolvedAt = this.deps.now();
        r.resolvedBy = actor.name;
        r.resolvedByUserId = actor.userId;
        r.resolveEnc = sealText(this.deps, SEALED_COLUMN.escalationResolve, data.measures.trim());
        r.newCaseId = newCase?.id ?? null;
        await this.audited(em, actor, 'followup.resolveEscalation', r, c);
        return r;
      },
    );
  }

  /** A report the actor may read (its case within the actor's jurisdiction), or NOT_FOUND. */
  async byId(actor: Actor, id: number): Promise<EscalationReport> {
    assertFollowUpReader(actor);
    const r = Number.isSafeInteger(id) && id > 0 ? await this.em.findOne(EscalationReport, { id }) : null;
    if (!r) throw new NotFoundError('报告');
    await this.cases.visible(actor, r.case.id).catch(() => {
      throw new NotFoundError('报告');
    });
    return r;
  }

  /** The agency's inbox: reports sent to the actor's unit, oldest first (open ones by default). */
  async inbox(
    actor: Actor,
    statuses: EscalationStatus[] | null | undefined,
    first: number,
    after?: string | null,
  ): Promise<Page<EscalationReport>> {
    if (actor.role !== 'AGENCY_REVIEWER') throw new ForbiddenError('只有信访工作机构的审核人员有报告收件箱');
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['i']);
    p.throwIfAny();
    const wanted = statuses?.length ? statuses : OPEN_STATUSES;
    const where = { targetAgency: actor.unitId, status: { $in: wanted } };
    const [rows, totalCount] = await Promise.all([
      this.em.find(EscalationReport, cursor ? { ...where, id: { $gt: cursor[0] } } : where, {
        orderBy: { id: 'asc' },
        limit: first + 1,
      }),
      this.em.count(EscalationReport, where),
    ]);
    return { ...keysetPage(rows, first, (r) => [r.id]), totalCount };
  }

  openReport(r: EscalationReport): ReportNotes {
    return openJson<ReportNotes>(this.deps, SEALED_COLUMN.escalationReport, r.reportEnc);
  }

  openAcknowledge(r: EscalationReport): string | null {
    return r.acknowledgeEnc
      ? openText(this.deps, SEALED_COLUMN.escalationAcknowledge, r.acknowledgeEnc)
      : null;
  }

  openResolve(r: EscalationReport): string | null {
    return r.resolveEnc ? openText(this.deps, SEALED_COLUMN.escalationResolve, r.resolveEnc) : null;
  }

  /**
   * The report, row-locked, if the actor is a reviewer of the agency it was sent to. Outside the
   * actor's jurisdiction: NOT_FOUND; inside it but sent to another agency: FORBIDDEN.
   */
  private async lockedForReviewer(
    actor: Actor,
    id: number,
    em: EntityManager,
  ): Promise<{ report: EscalationReport; case: PetitionCase }> {
    if (actor.role !== 'AGENCY_REVIEWER')
      throw new ForbiddenError('只有信访工作机构的审核人员可以签收和办结报告');
    const found = await em.findOne(EscalationReport, { id });
    if (!found) throw new NotFoundError('报告');
    const c = await em.findOneOrFail(PetitionCase, { id: found.case.id }, { populate: ['handlingUnit'] });
    if (!isSameOrBelow(c.handlingUnit.path, actor.unitPath)) throw new NotFoundError('报告');
    if (found.targetAgency.id !== actor.unitId)
      throw new ForbiddenError('只有接收该报告的信访工作机构（承办单位最近的上一级）可以签收和办结');
    await em.execute('select 1 from escalation_report where id = ? for update', [id]);
    await em.refresh(found);
    return { report: found, case: c };
  }
}
