import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import { todayInChina } from '../../shared/dates';
import { checkPage, emptyPage } from '../../shared/paging';
import { Conditions, newestFirstPage } from '../../shared/sql';
import { Unit } from '../org/unit.entity';
import type { PetitionerData, PetitionerService } from '../petitioner/petitioner.service';
import { isSameOrBelow } from '../../access/jurisdiction';
import { CaseStep, PetitionCase } from './case.entity';
import { CaseStatus, Category, STEP_LABEL, STEP_ORDER, StepKind } from './case.enums';
import { progressOf, type ProcedureFacts } from './procedure';
import type { AuditService } from '../audit/audit.service';
import { contentIndexText } from '../sharing/duplicate-method';
import { caseMaskedTitle, caseSearchText } from '../sharing/search-text';
import { checkDay, checkText } from '../../shared/checks';
import { checkIdempotencyKey, idempotent, writeOnce } from '../followup/idempotency';
import { canonicalJson } from '../audit/audit.verify';

export interface RegisterCaseData {
  petitioner: PetitionerData;
  category: Category;
  title: string;
  factsAndReasons: string;
  requests: string;
  acceptedAt: string;
  acceptanceOpinion: string;
  acceptanceDeliveredAt?: string | null;
  idempotencyKey?: string | null;
}

/** A registration's fields other than the petitioner. */
export type MatterData = Omit<RegisterCaseData, 'petitioner'>;

export interface RegisterOptions {
  /** Run inside this (already open) transaction. */
  em?: EntityManager;
  /** The unit that handles the matter; default the actor's own unit. */
  handlingUnit?: Unit;
  /** A case whose petitioner (as recorded there) the new matter takes over; no petitioner input is then needed. */
  samePetitionerAs?: PetitionCase;
  /** The terminated case this new matter follows from. */
  relatedCaseId?: number;
}

export interface StepData {
  opinion: string;
  decidedAt: string;
  deliveredAt?: string | null;
}

export interface CaseFilter {
  status?: CaseStatus | null;
  category?: Category | null;
  /** A unit code: cases of this unit and the units below it (within the reader's jurisdiction). */
  unitCode?: string | null;
}

/**
 * Cases inside a unit's jurisdiction: registration and the recorded steps of the procedure.
 * Every method takes the acting user and checks jurisdiction itself.
 */
export class CaseService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly petitioners: PetitionerService,
    private readonly audit: AuditService,
  ) {}

  /** Every write is audited in its own transaction: no write without its audit entry. */
  async audited(
    em: EntityManager,
    actor: Actor,
    operation: string,
    c: PetitionCase,
    details?: Record<string, unknown>,
  ) {
    await this.audit
      .withEm(em)
      .record({ actor, operation, caseId: c.id, petitionerId: c.petitioner.id, details });
  }

  private today() {
    return todayInChina(this.deps.now());
  }

  // ---- reading ----

  /** A case the actor may see (own unit and below), or NOT_FOUND without saying whether it exists. */
  async visible(actor: Actor, caseId: number, em: EntityManager = this.em): Promise<PetitionCase> {
    const c = Number.isSafeInteger(caseId)
      ? await em.findOne(PetitionCase, { id: caseId }, { populate: ['handlingUnit'] })
      : null;
    if (!c || !isSameOrBelow(c.handlingUnit.path, actor.unitPath)) throw new NotFoundError('信访事项');
    return c;
  }

  /** A case the actor may act on as its handling unit's officer, locked for the transaction. */
  async forHandlingUnit(actor: Actor, caseId: number, em: EntityManager): Promise<PetitionCase> {
    const c = await this.visible(actor, caseId, em);
    if (c.handlingUnit.id !== actor.unitId) throw new ForbiddenError('只有承办单位的经办人员可以办理此事项');
    await em.execute('select 1 from petition_case where id = ? for update', [c.id]);
    await em.refresh(c);
    return c;
  }

  async list(actor: Actor, filter: CaseFilter, first: number, after?: string | null) {
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['i']);
    p.throwIfAny();
    let scope = actor.unitPath;
    if (filter.unitCode) {
      const unit = await this.em.findOne(Unit, { code: filter.unitCode });
      // A unit outside the reader's jurisdiction yields nothing, exactly like an unknown one.
      if (!unit || !isSameOrBelow(unit.path, actor.unitPath)) return emptyPage<PetitionCase>();
      scope = unit.path;
    }
    const where = new Conditions()
      .and('u.path <@ ?::ltree', scope)
      .andIf(filter.status, 'c.status = ?')
      .andIf(filter.category, 'c.category = ?');
    const from = 'from petition_case c join unit u on u.id = c.handling_unit_id';
    return newestFirstPage(this.em, PetitionCase, 'c', from, where, first, cursor);
  }

  async facts(c: PetitionCase, steps?: CaseStep[], em: EntityManager = this.em): Promise<ProcedureFacts> {
    const rows = steps ?? (await em.find(CaseStep, { case: c.id }));
    return {
      status: c.status,
      steps: Object.fromEntries(
        rows.map((s) => [s.kind, { decidedAt: s.decidedAt, deliveredAt: s.deliveredAt }]),
      ),
      reviewRequestedAt: c.reviewRequestedAt,
      reReviewRequestedAt: c.reReviewRequestedAt,
      repeatSubmittedAt: c.repeatSubmittedAt,
      goodReason: c.goodReason,
      handlingExtended: c.handlingExtended,
    };
  }

  progress(facts: ProcedureFacts) {
    return progressOf(facts, this.deps.config.periods, this.today());
  }

  // ---- writing (each one transaction) ----

  /** Checks the matter's fields of a registration (all but the petitioner); problems go under `prefix`. */
  checkMatter(data: MatterData, p: Problems, prefix = ''): void {
    p.check(Object.values(Category).includes(data.category), `${prefix}category`, '类别无效');
    checkText(p, `${prefix}title`, data.title, '标题', 200);
    checkText(p, `${prefix}factsAndReasons`, data.factsAndReasons, '事实和理由', 5000);
    checkText(p, `${prefix}requests`, data.requests, '诉求', 2000);
    checkText(p, `${prefix}acceptanceOpinion`, data.acceptanceOpinion, '受理意见', 5000);
    const accepted = checkDay(p, `${prefix}acceptedAt`, data.acceptedAt, this.deps.now());
    const delivered = checkDay(
      p,
      `${prefix}acceptanceDeliveredAt`,
      data.acceptanceDeliveredAt,
      this.deps.now(),
      false,
    );
    if (accepted && delivered)
      p.check(
        data.acceptanceDeliveredAt! >= data.acceptedAt,
        `${prefix}acceptanceDeliveredAt`,
        '送达日期不能早于受理日期',
      );
  }

  /**
   * 受理: registers a matter at the actor's own unit, with its petitioner and the acceptance step.
   * `opts` serve a registration made inside another write (an escalation resolved as a new
   * matter): its transaction, the unit to handle the matter, the petitioner already on file and
   * the terminated case the new matter follows from.
   */
  async register(
    actor: Actor,
    data: MatterData & { petitioner?: PetitionerData },
    opts: RegisterOptions = {},
  ): Promise<PetitionCase> {
    const p = new Problems();
    let petitioner: PetitionerData | null = null;
    if (!opts.samePetitionerAs) {
      if (data.petitioner) petitioner = this.petitioners.validate(data.petitioner, p);
      else p.add('petitioner', '信访人信息不能为空');
    }
    this.checkMatter(data, p);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    const { idempotencyKey, petitioner: _given, ...matter } = data;
    const run = (em: EntityManager) =>
      idempotent(
        em,
        actor,
        {
          key: idempotencyKey,
          operation: 'case.register',
          entity: PetitionCase,
          input: {
            ...matter,
            // The key's stored hash must not let a dump confirm a guessed ID number: keyed digest.
            petitioner: petitioner && this.deps.blindIndex.text('idempotency', canonicalJson(petitioner)),
            handlingUnitId: opts.handlingUnit?.id ?? null,
          },
        },
        async () => {
          const unit = opts.handlingUnit ?? (await em.findOneOrFail(Unit, { id: actor.unitId }));
          const who = opts.samePetitionerAs
            ? {
                petitioner: opts.samePetitionerAs.petitioner,
                record: { ...opts.samePetitionerAs.petitionerRecord },
              }
            : await this.petitioners.register(em, petitioner!);
          const person = petitioner ?? this.petitioners.open(who.record);
          const c = em.create(PetitionCase, {
            petitioner: who.petitioner,
            petitionerRecord: who.record,
            handlingUnit: unit,
            relatedCaseId: opts.relatedCaseId ?? null,
            category: data.category,
            title: data.title.trim(),
            factsAndReasons: data.factsAndReasons.trim(),
            requests: data.requests.trim(),
            dupText: contentIndexText(`${data.factsAndReasons.trim()}\n${data.requests.trim()}`),
            searchText: caseSearchText(data.title.trim(), data.factsAndReasons.trim(), person),
            maskedTitle: caseMaskedTitle(data.title.trim(), person),
          });
          em.create(CaseStep, {
            case: c,
            kind: StepKind.ACCEPTANCE,
            opinion: data.acceptanceOpinion.trim(),
            decidedAt: data.acceptedAt,
            deliveredAt: data.acceptanceDeliveredAt || null,
            recordedBy: actor.name,
          });
          await em.flush();
          await this.audited(
            em,
            actor,
            'case.register',
            c,
            opts.relatedCaseId ? { relatedCaseId: opts.relatedCaseId } : undefined,
          );
          return c;
        },
      );
    return opts.em ? run(opts.em) : this.em.transactional(run);
  }

  /** Records 办理 / 复查 / 复核 with its opinion; steps come in order and dates follow each other. */
  async recordStep(
    actor: Actor,
    caseId: number,
    kind: StepKind,
    data: StepData,
    idempotencyKey?: string | null,
  ): Promise<PetitionCase> {
    const p = new Problems();
    p.check(kind !== StepKind.ACCEPTANCE, 'kind', '受理在登记时记录');
    checkText(p, 'opinion', data.opinion, `${STEP_LABEL[kind]}意见`, 5000);
    const decidedOk = checkDay(p, 'decidedAt', data.decidedAt, this.deps.now());
    const deliveredOk = checkDay(p, 'deliveredAt', data.deliveredAt, this.deps.now(), false);
    if (decidedOk && deliveredOk)
      p.check(data.deliveredAt! >= data.decidedAt, 'deliveredAt', '送达日期不能早于作出意见的日期');
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(
      actor,
      'case.recordStep',
      caseId,
      idempotencyKey,
      { kind, opinion: data.opinion, decidedAt: data.decidedAt, deliveredAt: data.deliveredAt ?? null },
      async (em, c) => {
        const steps = await em.find(CaseStep, { case: c.id });
        const have = new Map(steps.map((s) => [s.kind, s]));
        if (have.has(kind)) throw new ConflictError(`${STEP_LABEL[kind]}意见已记录，不能重复记录`);
        const prev = STEP_ORDER[STEP_ORDER.indexOf(kind) - 1];
        const prevStep = have.get(prev);
        if (!prevStep) throw new ConflictError(`尚未记录${STEP_LABEL[prev]}，不能记录${STEP_LABEL[kind]}`);
        // Review and re-review happen only at the petitioner's request.
        const requestedAt =
          kind === StepKind.REVIEW
            ? c.reviewRequestedAt
            : kind === StepKind.RE_REVIEW
              ? c.reReviewRequestedAt
              : null;
        if (kind !== StepKind.HANDLING && !requestedAt)
          throw new ConflictError(`信访人尚未申请${STEP_LABEL[kind]}`);
        const floor = requestedAt ?? prevStep.deliveredAt ?? prevStep.decidedAt;
        const dp = new Problems();
        dp.check(
          data.decidedAt >= floor,
          'decidedAt',
          `${STEP_LABEL[kind]}日期不能早于上一环节的日期（${floor}）`,
        );
        dp.throwIfAny();
        em.create(CaseStep, {
          case: c,
          kind,
          opinion: data.opinion.trim(),
          decidedAt: data.decidedAt,
          deliveredAt: data.deliveredAt || null,
          recordedBy: actor.name,
        });
        c.updatedAt = new Date();
        return { kind };
      },
    );
  }

  /** The date a step's reply reached the petitioner, when it was not known at recording time. */
  async recordDelivery(
    actor: Actor,
    caseId: number,
    kind: StepKind,
    deliveredAt: string,
    idempotencyKey?: string | null,
  ): Promise<PetitionCase> {
    const p = new Problems();
    checkDay(p, 'deliveredAt', deliveredAt, this.deps.now());
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(
      actor,
      'case.recordDelivery',
      caseId,
      idempotencyKey,
      { kind, deliveredAt },
      async (em, c) => {
        const step = await em.findOne(CaseStep, { case: c.id, kind });
        if (!step) throw new ConflictError(`尚未记录${STEP_LABEL[kind]}`);
        if (step.deliveredAt) throw new ConflictError(`${STEP_LABEL[kind]}意见的送达日期已记录`);
        new Problems()
          .check(deliveredAt >= step.decidedAt, 'deliveredAt', '送达日期不能早于作出意见的日期')
          .throwIfAny();
        step.deliveredAt = deliveredAt;
        c.updatedAt = new Date();
        return { kind };
      },
    );
  }

  /** The petitioner asked for 复查 (after handling) or 复核 (after review), within the statutory period. */
  async recordRequest(
    actor: Actor,
    caseId: number,
    kind: StepKind,
    requestedAt: string,
    idempotencyKey?: string | null,
  ): Promise<PetitionCase> {
    const p = new Problems();
    p.check(kind === StepKind.REVIEW || kind === StepKind.RE_REVIEW, 'kind', '只能申请复查或复核');
    checkDay(p, 'requestedAt', requestedAt, this.deps.now());
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(
      actor,
      'case.recordRequest',
      caseId,
      idempotencyKey,
      { kind, requestedAt },
      async (em, c) => {
        const prev = kind === StepKind.REVIEW ? StepKind.HANDLING : StepKind.REVIEW;
        const prevStep = await em.findOne(CaseStep, { case: c.id, kind: prev });
        if (!prevStep?.deliveredAt)
          throw new ConflictError(`${STEP_LABEL[prev]}意见尚未送达信访人，不能申请${STEP_LABEL[kind]}`);
        const field = kind === StepKind.REVIEW ? 'reviewRequestedAt' : 'reReviewRequestedAt';
        if (c[field]) throw new ConflictError(`${STEP_LABEL[kind]}申请已记录`);
        new Problems()
          .check(
            requestedAt >= prevStep.deliveredAt,
            'requestedAt',
            `申请日期不能早于${STEP_LABEL[prev]}意见送达日期`,
          )
          .throwIfAny();
        c[field] = requestedAt;
        return { kind };
      },
    );
  }

  /** After the re-review reply the petitioner came back with the same facts and reasons. */
  async recordRepeatSubmission(
    actor: Actor,
    caseId: number,
    submittedAt: string,
    note: string,
    idempotencyKey?: string | null,
  ): Promise<PetitionCase> {
    const p = new Problems();
    checkDay(p, 'submittedAt', submittedAt, this.deps.now());
    checkText(p, 'note', note, '情况说明', 2000);
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(
      actor,
      'case.recordRepeatSubmission',
      caseId,
      idempotencyKey,
      { submittedAt, note },
      async (em, c) => {
        const reReview = await em.findOne(CaseStep, { case: c.id, kind: StepKind.RE_REVIEW });
        if (!reReview?.deliveredAt)
          throw new ConflictError('复核意见尚未送达信访人，不能记录复核后的再次提出');
        new Problems()
          .check(submittedAt >= reReview.deliveredAt, 'submittedAt', '再次提出的日期不能早于复核意见送达日期')
          .throwIfAny();
        c.repeatSubmittedAt = submittedAt;
        c.repeatSubmissionNote = note.trim();
      },
    );
  }

  /** 正当理由: a good reason for a late request; its presence rules out NO_NEW_REQUEST_IN_TIME. */
  async recordGoodReason(
    actor: Actor,
    caseId: number,
    reason: string,
    recordedAt: string,
    idempotencyKey?: string | null,
  ): Promise<PetitionCase> {
    const p = new Problems();
    checkText(p, 'reason', reason, '正当理由', 2000);
    checkDay(p, 'recordedAt', recordedAt, this.deps.now());
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(
      actor,
      'case.recordGoodReason',
      caseId,
      idempotencyKey,
      { reason, recordedAt },
      async (em, c) => {
        c.goodReason = reason.trim();
        c.goodReasonAt = recordedAt;
      },
    );
  }

  /** Extends the handling period by the configured extension (once, before the handling opinion). */
  async extendHandling(actor: Actor, caseId: number, idempotencyKey?: string | null): Promise<PetitionCase> {
    const p = new Problems();
    checkIdempotencyKey(p, idempotencyKey);
    p.throwIfAny();
    return this.changeInProgress(actor, 'case.extendHandling', caseId, idempotencyKey, {}, async (em, c) => {
      if (c.handlingExtended) throw new ConflictError('办理期限已延长过');
      if (await em.findOne(CaseStep, { case: c.id, kind: StepKind.HANDLING }))
        throw new ConflictError('办理意见已作出，无需延长');
      c.handlingExtended = true;
    });
  }

  /**
   * One change to a case still in progress, made by its handling unit's officer: in one
   * transaction with the case locked, replayed for a repeated idempotency key, and audited as
   * `operation` (with what `change` returns as details). Every procedure step goes through here.
   */
  private changeInProgress(
    actor: Actor,
    operation: string,
    caseId: number,
    idempotencyKey: string | null | undefined,
    input: Record<string, unknown>,
    change: (em: EntityManager, c: PetitionCase) => Promise<Record<string, unknown> | void>,
  ): Promise<PetitionCase> {
    return writeOnce(
      this.em,
      actor,
      { key: idempotencyKey, operation, entity: PetitionCase, input: { caseId, ...input } },
      async (em) => {
        const c = await this.forHandlingUnit(actor, caseId, em);
        this.assertInProgress(c);
        const details = await change(em, c);
        await em.flush();
        await this.audited(em, actor, operation, c, details ?? undefined);
        return c;
      },
    );
  }

  private assertInProgress(c: PetitionCase) {
    if (c.status !== CaseStatus.IN_PROGRESS)
      throw new ConflictError('该事项已申请终结或已终结，不能再修改办理记录');
  }
}
