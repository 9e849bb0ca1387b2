import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import type { AuditService } from '../audit/audit.service';
import type { CaseService } from '../case/case.service';
import { ArchiveService } from './archive.service';
import { EscalationService } from './escalation.service';
import { FileService } from './file.service';
import { TrackingService } from './tracking.service';
import { VisitService } from './visit.service';

/**
 * Follow-up after termination (issue 5, DESIGN.md §2.3): archive and files, return visits,
 * dynamic tracking, escalation reports. Per request, bound to the request's EntityManager.
 *
 * Layout: the rules are in the `*.service.ts` files here (with visit.policy.ts, sealed-text.ts);
 * the GraphQL side is graphql/ — views.ts, inputs.ts, args.ts and one resolver per root concept,
 * listed in graphql/index.ts (`followUpResolvers`, registered in src/graphql/schema.ts).
 */
export function createFollowUpServices(
  em: EntityManager,
  deps: Deps,
  shared: { cases: CaseService; audit: AuditService },
) {
  const { cases, audit } = shared;
  return {
    archive: new ArchiveService(em, deps, cases, audit),
    files: new FileService(em, deps, audit),
    visits: new VisitService(em, deps, cases, audit),
    tracking: new TrackingService(em, deps, cases, audit),
    escalations: new EscalationService(em, deps, cases, audit),
  };
}
export type FollowUpServices = ReturnType<typeof createFollowUpServices>;

export { ensureArchive, ensureArchives } from './archive.service';
