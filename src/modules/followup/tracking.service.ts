import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { Problems } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import type { CaseService } from '../case/case.service';
import { terminatedCaseForOfficer } from '../../access/follow-up';
import { checkDay, checkText, trimOrNull, requiredId } from '../../shared/checks';
import { TrackingRecord } from './followup.entity';
import { RiskLevel } from './followup.enums';
import { auditFollowUpWrite } from './audited';
import { checkIdempotencyKey, writeOnce, keyAndInput } from './idempotency';
import { SEALED_COLUMN, openJson, sealJson } from './sealed-text';

export interface RecordTrackingData {
  caseId: string | number;
  observedOn: string;
  riskLevel: RiskLevel;
  situation: string;
  measures?: string | null;
  idempotencyKey?: string | null;
}

export interface TrackingNotes {
  situation: string;
  measures: string | null;
}

/** 动态跟踪: dated observations of the petitioner's situation with a risk level. */
export class TrackingService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  async record(actor: Actor, data: RecordTrackingData): Promise<TrackingRecord> {
    const p = new Problems();
    const caseId = requiredId(p, 'caseId', data.caseId, '事项');
    checkDay(p, 'observedOn', data.observedOn, this.deps.now());
    p.check(Object.values(RiskLevel).includes(data.riskLevel), 'riskLevel', '风险等级无效');
    checkText(p, 'situation', data.situation, '动态情况', 5000);
    checkText(p, 'measures', data.measures, '采取的措施', 5000, false);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'followup.recordTracking', entity: TrackingRecord, ...keyAndInput(data) },
      async (em) => {
        const c = await terminatedCaseForOfficer(this.cases, actor, caseId!, em);
        new Problems()
          .check(
            data.observedOn >= c.terminatedAt!,
            'observedOn',
            `跟踪日期不能早于终结日期（${c.terminatedAt}）`,
          )
          .throwIfAny();
        const notes: TrackingNotes = {
          situation: data.situation.trim(),
          measures: trimOrNull(data.measures),
        };
        const record = em.create(TrackingRecord, {
          case: c,
          observedOn: data.observedOn,
          riskLevel: data.riskLevel,
          notesEnc: sealJson(this.deps, SEALED_COLUMN.trackingNotes, notes),
          recordedBy: actor.name,
          recordedByUserId: actor.userId,
        });
        await auditFollowUpWrite(this.audit, em, actor, 'followup.recordTracking', c, () => ({
          trackingRecordId: record.id,
          observedOn: record.observedOn,
          riskLevel: record.riskLevel,
        }));
        return record;
      },
    );
  }

  openNotes(r: TrackingRecord): TrackingNotes {
    return openJson<TrackingNotes>(this.deps, SEALED_COLUMN.trackingNotes, r.notesEnc);
  }
}
