import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { AuditService } from '../audit/audit.service';
import type { PetitionCase } from '../case/case.entity';

/**
 * The audit entry of a write to a terminated case's follow-up (archive documents, return visits,
 * tracking records, escalation reports), in the write's transaction `em`: flushed first, so the
 * entry can name the new rows' ids, and naming the case and its petitioner, so that who touched a
 * petitioner's follow-up can be read from the log.
 */
export async function auditFollowUpWrite(
  audit: AuditService,
  em: EntityManager,
  actor: Actor,
  operation: string,
  c: PetitionCase,
  details: () => Record<string, unknown>,
): Promise<void> {
  await em.flush();
  await audit
    .withEm(em)
    .record({ actor, operation, caseId: c.id, petitionerId: c.petitioner.id, details: details() });
}
