import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { Problems } from '../../errors';
import { addDays, todayInChina } from '../../shared/dates';
import { checkPage, emptyPage, pageOfSorted, type Page } from '../../shared/paging';
import type { AuditService } from '../audit/audit.service';
import { PetitionCase } from '../case/case.entity';
import type { CaseService } from '../case/case.service';
import { assertFollowUpReader, terminatedCaseForOfficer } from '../../access/follow-up';
import { checkText, trimOrNull, requiredId } from '../../shared/checks';
import { ReturnVisit } from './followup.entity';
import { VisitMethod } from './followup.enums';
import { auditFollowUpWrite } from './audited';
import { checkIdempotencyKey, writeOnce, keyAndInput } from './idempotency';
import { SEALED_COLUMN, openJson, sealJson } from './sealed-text';
import { visitSchedule, type ScheduleVisit, type VisitScheduleResult, type VisitSlot } from './visit.policy';
import { jurisdictionPath } from '../../access/jurisdiction';

export interface RecordVisitData {
  caseId: string | number;
  visitedAt: Date;
  method: VisitMethod;
  /** Who visited; defaults to the recording officer. */
  officer?: string | null;
  opinions: string;
  suggestions?: string | null;
  situation: string;
  explanation: string;
  idempotencyKey?: string | null;
}

/** The restricted part of a visit record (sealed together in `notes_enc`). */
export interface VisitNotes {
  opinions: string;
  suggestions: string | null;
  situation: string;
  explanation: string;
}

export interface OverdueCase {
  case: PetitionCase;
  schedule: VisitScheduleResult;
}

/** 回访: the visit policy's due dates, visit records, overdue visits. */
export class VisitService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  private today() {
    return todayInChina(this.deps.now());
  }

  /** The configured visit policy. */
  get policy() {
    return this.deps.config.visitPolicy;
  }

  /** Records a return visit of a terminated case of the actor's unit. */
  async record(actor: Actor, data: RecordVisitData): Promise<ReturnVisit> {
    const p = new Problems();
    const caseId = requiredId(p, 'caseId', data.caseId, '事项');
    const at = data.visitedAt instanceof Date ? data.visitedAt : new Date(NaN);
    if (Number.isNaN(at.getTime())) p.add('visitedAt', '回访时间无效');
    else p.check(at.getTime() <= this.deps.now().getTime(), 'visitedAt', '回访时间不能晚于当前时间');
    p.check(Object.values(VisitMethod).includes(data.method), 'method', '回访方式无效');
    if (data.officer != null) checkText(p, 'officer', data.officer, '回访人员', 200);
    checkText(p, 'opinions', data.opinions, '信访人的意见', 5000);
    checkText(p, 'suggestions', data.suggestions, '信访人的建议', 5000, false);
    checkText(p, 'situation', data.situation, '思想动态和实际生活情况', 5000);
    checkText(p, 'explanation', data.explanation, '解释说明情况', 5000);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'followup.recordReturnVisit', entity: ReturnVisit, ...keyAndInput(data) },
      async (em) => {
        const c = await terminatedCaseForOfficer(this.cases, actor, caseId!, em);
        const visitedOn = todayInChina(at);
        new Problems()
          .check(visitedOn >= c.terminatedAt!, 'visitedAt', `回访日期不能早于终结日期（${c.terminatedAt}）`)
          .throwIfAny();
        const notes: VisitNotes = {
          opinions: data.opinions.trim(),
          suggestions: trimOrNull(data.suggestions),
          situation: data.situation.trim(),
          explanation: data.explanation.trim(),
        };
        const visit = em.create(ReturnVisit, {
          case: c,
          visitedAt: at,
          visitedOn,
          method: data.method,
          officer: trimOrNull(data.officer) ?? actor.name,
          notesEnc: sealJson(this.deps, SEALED_COLUMN.visitNotes, notes),
          recordedBy: actor.name,
          recordedByUserId: actor.userId,
        });
        await auditFollowUpWrite(this.audit, em, actor, 'followup.recordReturnVisit', c, () => ({
          visitId: visit.id,
          method: visit.method,
          visitedOn,
        }));
        return visit;
      },
    );
  }

  openNotes(v: ReturnVisit): VisitNotes {
    return openJson<VisitNotes>(this.deps, SEALED_COLUMN.visitNotes, v.notesEnc);
  }

  /** The schedule of a terminated case given its visits (from the request's loader). */
  schedule(c: PetitionCase, visits: ScheduleVisit[]): VisitScheduleResult {
    return visitSchedule(c.terminatedAt!, visits, this.deps.config.visitPolicy, this.today());
  }

  /**
   * Terminated cases within the actor's jurisdiction (optionally one unit's subtree) with at least
   * one overdue visit, the longest overdue first. The schedule is computed from one query that
   * brings every candidate case's visit dates (cases whose first visit is due by today).
   */
  async overdue(
    actor: Actor,
    filter: { unitCode?: string | null },
    first: number,
    after?: string | null,
  ): Promise<Page<OverdueCase>> {
    assertFollowUpReader(actor);
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['d', 'i']);
    p.throwIfAny();
    const scope = await jurisdictionPath(this.em, actor, filter.unitCode);
    if (!scope) return emptyPage();
    const policy = this.deps.config.visitPolicy;
    const today = this.today();
    const rows = await this.em.execute<
      { id: number; terminated_at: string; visits: ScheduleVisit[] | null }[]
    >(
      `select c.id, c.terminated_at::text as terminated_at,
              (select json_agg(json_build_object('id', v.id, 'visitedOn', v.visited_on::text))
                 from return_visit v where v.case_id = c.id) as visits
         from petition_case c join unit u on u.id = c.handling_unit_id
        where c.status = 'TERMINATED' and u.path <@ ?::ltree and c.terminated_at < ?::date`,
      [scope, addDays(today, -policy.firstDays)],
    );
    const overdue = rows
      .map((r) => ({ id: r.id, schedule: visitSchedule(r.terminated_at, r.visits ?? [], policy, today) }))
      .filter((r) => r.schedule.overdue.length > 0);
    // The longest overdue first: by the oldest overdue slot's due date, then by case.
    const page = pageOfSorted(overdue, (r) => [r.schedule.overdue[0].dueDate, r.id], first, cursor);
    const ids = page.nodes.map((r) => r.id);
    const cases = ids.length ? await this.em.find(PetitionCase, { id: { $in: ids } }) : [];
    const byId = new Map(cases.map((c) => [c.id, c]));
    return { ...page, nodes: page.nodes.map((r) => ({ case: byId.get(r.id)!, schedule: r.schedule })) };
  }
}

export type { VisitSlot };
