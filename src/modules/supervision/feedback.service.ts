import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { FEEDBACK_HANDLERS, FEEDBACK_READERS } from '../../access/roles';
import type { Deps } from '../../shared/deps';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import { checkPage, emptyPage, type Page } from '../../shared/paging';
import { Conditions, newestFirstPage } from '../../shared/sql';
import type { AuditService } from '../audit/audit.service';
import { PetitionCase } from '../case/case.entity';
import { CaseStatus } from '../case/case.enums';
import { Unit } from '../org/unit.entity';
import { checkPhone, normaliseName } from '../petitioner/identity';
import { maskName, maskPhone } from '../petitioner/masking';
import { isSameOrBelow, jurisdictionPath } from '../../access/jurisdiction';
import { feedbackVisible, type Visibility } from '../../access/visibility';
import { checkDay, checkId, checkText, trimOrNull, requiredId } from '../../shared/checks';
import { PublicFeedback } from './supervision.entity';
import { FeedbackChannel, FeedbackSatisfaction, FeedbackStatus } from './supervision.enums';
import { checkPeriod } from './scope';
import { checkIdempotencyKey, writeOnce, keyAndInput } from '../followup/idempotency';

export interface RecordFeedbackData {
  receivedOn: string;
  channel: FeedbackChannel;
  sourceRef?: string | null;
  submitterName?: string | null;
  submitterPhone?: string | null;
  content: string;
  /** The unit whose follow-up work it is about; default the related case's handling unit. */
  unitCode?: string | null;
  /** A terminated case it is about. */
  caseId?: string | number | null;
  idempotencyKey?: string | null;
}

export interface FeedbackFilter {
  status?: FeedbackStatus | null;
  /** Feedback concerning, or assigned to, a unit of this subtree. */
  unitCode?: string | null;
  /** Received in this period. */
  from?: string | null;
  to?: string | null;
}

/** AAD per sealed column: a ciphertext copied into another column does not open there. */
export const FEEDBACK_AAD = {
  submitterName: 'public_feedback.submitter_name',
  submitterPhone: 'public_feedback.submitter_phone',
} as const;

/**
 * 社会监督 (seed §5.2): public feedback about the follow-up work, RECEIVED → ASSIGNED → ANSWERED →
 * CLOSED. The agency that records it (a supervisor or a reviewer) assigns it to a unit (and may
 * re-assign it until it is answered), that unit's officers answer it, and the recording agency
 * closes it. Each transition is one transaction under a row lock, refused with CONFLICT from a
 * wrong state, and audited last.
 *
 * The submitter's name and phone are personal data: sealed at rest, masked for every reader except
 * the officers of the assigned unit (and of the units above it), who must reply; each clear read
 * is audited (`feedback.read.clear`) through the one clear-read path, src/access/clear-reads.ts.
 */
export class FeedbackService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  private async audited(em: EntityManager, actor: Actor, operation: string, f: PublicFeedback) {
    await this.audit.withEm(em).record({
      actor,
      operation,
      caseId: f.caseId ?? null,
      details: {
        feedbackId: f.id,
        status: f.status,
        concernedUnitId: f.concernedUnit.id,
        assignedUnitId: f.assignedUnit?.id ?? null,
      },
    });
  }

  // ---- access ----

  private async load(em: EntityManager, id: number): Promise<PublicFeedback | null> {
    return Number.isSafeInteger(id) && id > 0
      ? em.findOne(PublicFeedback, { id }, { populate: ['concernedUnit', 'recordingUnit', 'assignedUnit'] })
      : null;
  }

  /** Row-locked and re-read, for the recording agency (or one above it). */
  private async lockedForHandler(em: EntityManager, actor: Actor, id: number, what: string) {
    if (!FEEDBACK_HANDLERS.includes(actor.role))
      throw new ForbiddenError(`只有监督检查人员或信访工作机构审核人员可以${what}`);
    const f = await this.load(em, id);
    if (!f || !feedbackVisible(actor, f)) throw new NotFoundError('社会监督意见');
    if (!isSameOrBelow(f.recordingUnit.path, actor.unitPath))
      throw new ForbiddenError(`只有登记该意见的单位（或其上级）可以${what}`);
    await em.execute('select 1 from public_feedback where id = ? for update', [f.id]);
    await em.refresh(f);
    return f;
  }

  /** The submitter's name and phone as this reader may see them (submitterVisibility in src/access). */
  submitter(f: PublicFeedback, visibility: Visibility): { name: string | null; phone: string | null } {
    const { cipher } = this.deps;
    const name = f.submitterNameEnc ? cipher.decrypt(f.submitterNameEnc, FEEDBACK_AAD.submitterName) : null;
    const phone = f.submitterPhoneEnc
      ? cipher.decrypt(f.submitterPhoneEnc, FEEDBACK_AAD.submitterPhone)
      : null;
    return visibility === 'CLEAR' ? { name, phone } : { name: maskName(name), phone: maskPhone(phone) };
  }

  // ---- writes ----

  async record(actor: Actor, data: RecordFeedbackData): Promise<PublicFeedback> {
    if (!FEEDBACK_HANDLERS.includes(actor.role))
      throw new ForbiddenError('只有监督检查人员或信访工作机构审核人员可以登记社会监督意见');
    const p = new Problems();
    checkDay(p, 'receivedOn', data.receivedOn, this.deps.now());
    p.check(Object.values(FeedbackChannel).includes(data.channel), 'channel', '来源渠道无效');
    checkText(p, 'sourceRef', data.sourceRef, '来源编号', 100, false);
    checkText(p, 'content', data.content, '意见内容', 5000);
    const name = data.submitterName?.trim() ? normaliseName(data.submitterName) : null;
    p.check(!name || name.length <= 50, 'submitterName', '姓名不超过50字');
    let phone: string | null = null;
    if (data.submitterPhone?.trim()) {
      const r = checkPhone(data.submitterPhone);
      if (r.ok) phone = r.value;
      else p.add('submitterPhone', r.reason);
    }
    const caseId = checkId(p, 'caseId', data.caseId);
    p.check(
      !!data.unitCode || !!caseId,
      'unitCode',
      '须指明意见所涉及的单位（unitCode）或已终结事项（caseId）',
    );
    const unit = data.unitCode ? await this.em.findOne(Unit, { code: data.unitCode }) : null;
    if (data.unitCode)
      p.check(
        !!unit && isSameOrBelow(unit.path, actor.unitPath),
        'unitCode',
        '单位不存在或不在您的管辖范围内',
      );
    const c = caseId
      ? await this.em.findOne(PetitionCase, { id: caseId }, { populate: ['handlingUnit'] })
      : null;
    if (caseId)
      p.check(
        !!c && c.status === CaseStatus.TERMINATED && isSameOrBelow(c.handlingUnit.path, actor.unitPath),
        'caseId',
        '事项不存在、尚未终结或不在您的管辖范围内',
      );
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'feedback.record', entity: PublicFeedback, ...keyAndInput(data) },
      async (em) => {
        const { cipher } = this.deps;
        const f = em.create(PublicFeedback, {
          receivedOn: data.receivedOn,
          channel: data.channel,
          sourceRef: trimOrNull(data.sourceRef),
          submitterNameEnc: name ? cipher.encrypt(name, FEEDBACK_AAD.submitterName) : null,
          submitterPhoneEnc: phone ? cipher.encrypt(phone, FEEDBACK_AAD.submitterPhone) : null,
          content: data.content.trim(),
          concernedUnit: em.getReference(Unit, (unit ?? c!.handlingUnit).id),
          caseId: c?.id ?? null,
          recordingUnit: em.getReference(Unit, actor.unitId),
          recordedBy: actor.name,
          recordedByUserId: actor.userId,
          recordedAt: this.deps.now(),
        });
        await em.flush();
        await this.audited(em, actor, 'feedback.record', f);
        return f;
      },
    );
  }

  /** RECEIVED (or ASSIGNED, to re-assign before the answer) → ASSIGNED to a unit in the actor's jurisdiction. */
  async assign(
    actor: Actor,
    data: { feedbackId: string | number; unitCode: string; note?: string | null },
  ): Promise<PublicFeedback> {
    const p = new Problems();
    const id = requiredId(p, 'feedbackId', data.feedbackId, '意见');
    checkText(p, 'note', data.note, '交办意见', 2000, false);
    const unit = data.unitCode ? await this.em.findOne(Unit, { code: data.unitCode }) : null;
    p.check(
      !!unit && isSameOrBelow(unit.path, actor.unitPath),
      'unitCode',
      '承办单位不存在或不在您的管辖范围内',
    );
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const f = await this.lockedForHandler(em, actor, id!, '交办');
      if (f.status !== FeedbackStatus.RECEIVED && f.status !== FeedbackStatus.ASSIGNED)
        throw new ConflictError(
          f.status === FeedbackStatus.ANSWERED ? '该意见已答复，不能再交办' : '该意见已办结，不能再交办',
        );
      f.status = FeedbackStatus.ASSIGNED;
      f.assignedUnit = em.getReference(Unit, unit!.id);
      f.assignedBy = actor.name;
      f.assignedByUserId = actor.userId;
      f.assignedAt = this.deps.now();
      f.assignmentNote = trimOrNull(data.note);
      await em.flush();
      await this.audited(em, actor, 'feedback.assign', f);
      return f;
    });
  }

  /** ASSIGNED → ANSWERED, by an officer of the assigned unit. */
  async answer(actor: Actor, data: { feedbackId: string | number; answer: string }): Promise<PublicFeedback> {
    if (actor.role !== 'CASE_OFFICER') throw new ForbiddenError('只有承办单位的经办人员可以答复');
    const p = new Problems();
    const id = requiredId(p, 'feedbackId', data.feedbackId, '意见');
    checkText(p, 'answer', data.answer, '答复内容', 5000);
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const f = await this.load(em, id!);
      if (!f || !feedbackVisible(actor, f)) throw new NotFoundError('社会监督意见');
      if (f.assignedUnit?.id !== actor.unitId) throw new ForbiddenError('只有承办单位的经办人员可以答复');
      await em.execute('select 1 from public_feedback where id = ? for update', [f.id]);
      await em.refresh(f);
      if (f.assignedUnit?.id !== actor.unitId) throw new ConflictError('该意见已改交其他单位办理');
      if (f.status !== FeedbackStatus.ASSIGNED)
        throw new ConflictError(
          f.status === FeedbackStatus.RECEIVED ? '该意见尚未交办，不能答复' : '该意见已答复，不能重复答复',
        );
      f.status = FeedbackStatus.ANSWERED;
      f.answer = data.answer.trim();
      f.answeredBy = actor.name;
      f.answeredByUserId = actor.userId;
      f.answeredAt = this.deps.now();
      await em.flush();
      await this.audited(em, actor, 'feedback.answer', f);
      return f;
    });
  }

  /** ANSWERED → CLOSED, by the recording agency, with the submitter's satisfaction if known. */
  async close(
    actor: Actor,
    data: { feedbackId: string | number; satisfaction?: FeedbackSatisfaction | null; note?: string | null },
  ): Promise<PublicFeedback> {
    const p = new Problems();
    const id = requiredId(p, 'feedbackId', data.feedbackId, '意见');
    p.check(
      data.satisfaction == null || Object.values(FeedbackSatisfaction).includes(data.satisfaction),
      'satisfaction',
      '评价无效',
    );
    checkText(p, 'note', data.note, '办结意见', 2000, false);
    p.throwIfAny();
    return this.em.transactional(async (em) => {
      const f = await this.lockedForHandler(em, actor, id!, '办结');
      if (f.status !== FeedbackStatus.ANSWERED)
        throw new ConflictError(
          f.status === FeedbackStatus.CLOSED ? '该意见已办结，不能重复办结' : '该意见尚未答复，不能办结',
        );
      f.status = FeedbackStatus.CLOSED;
      f.satisfaction = data.satisfaction ?? FeedbackSatisfaction.UNKNOWN;
      f.closingNote = trimOrNull(data.note);
      f.closedBy = actor.name;
      f.closedByUserId = actor.userId;
      f.closedAt = this.deps.now();
      await em.flush();
      await this.audited(em, actor, 'feedback.close', f);
      return f;
    });
  }

  // ---- reads ----

  async byId(actor: Actor, id: number): Promise<PublicFeedback> {
    if (!FEEDBACK_READERS.includes(actor.role)) throw new ForbiddenError('无权查看社会监督意见');
    const f = await this.load(this.em, id);
    if (!f || !feedbackVisible(actor, f)) throw new NotFoundError('社会监督意见');
    return f;
  }

  /** Newest first. Officers see what is assigned to their unit (and below); handlers their jurisdiction. */
  async list(
    actor: Actor,
    filter: FeedbackFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<PublicFeedback>> {
    if (!FEEDBACK_READERS.includes(actor.role)) throw new ForbiddenError('无权查看社会监督意见');
    const p = new Problems();
    const period = checkPeriod(p, filter.from, filter.to);
    const { cursor } = checkPage(p, first, after, ['i']);
    p.check(!filter.status || Object.values(FeedbackStatus).includes(filter.status), 'status', '状态无效');
    p.throwIfAny();
    const root = await jurisdictionPath(this.em, actor, filter.unitCode);
    if (!root) return emptyPage();
    const jurisdiction =
      actor.role === 'CASE_OFFICER'
        ? 'au.path <@ ?::ltree'
        : '(au.path <@ ?::ltree or cu.path <@ ?::ltree or ru.path <@ ?::ltree)';
    const where = new Conditions()
      .and(jurisdiction, ...(actor.role === 'CASE_OFFICER' ? [root] : [root, root, root]))
      .andIf(filter.status, 'f.status = ?')
      .dayIn('f.received_on', period);
    const from = `from public_feedback f
      join unit cu on cu.id = f.concerned_unit_id
      join unit ru on ru.id = f.recording_unit_id
      left join unit au on au.id = f.assigned_unit_id`;
    return newestFirstPage(this.em, PublicFeedback, 'f', from, where, first, cursor);
  }
}
