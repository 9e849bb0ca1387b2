import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import type { AuditService } from '../audit/audit.service';
import { AccountabilityService } from './accountability.service';
import { FeedbackService } from './feedback.service';
import { InspectionQueryService } from './inspection-queries.service';
import { InspectionService } from './inspection.service';
import { StatisticsService } from './statistics.service';

/**
 * Supervision (issue 6, DESIGN.md §2.4): inspection queries and statistics, inspections with
 * findings and rectification, accountability, the periodic report and public feedback.
 * Per request, bound to the request's EntityManager.
 *
 * Layout: the rules are in the `*.service.ts` files here (with scope.ts, facts.ts, deadline.ts);
 * the GraphQL side is graphql/ — views.ts, inputs.ts, args.ts and one resolver per root concept,
 * listed in graphql/index.ts (`supervisionResolvers`, registered in src/graphql/schema.ts). The
 * resolvers are not exported from here, so the services load without the schema's types.
 */
export function createSupervisionServices(em: EntityManager, deps: Deps, shared: { audit: AuditService }) {
  const { audit } = shared;
  return {
    queries: new InspectionQueryService(em, deps),
    statistics: new StatisticsService(em, deps, audit),
    inspections: new InspectionService(em, deps, audit),
    accountability: new AccountabilityService(em, deps, audit),
    feedback: new FeedbackService(em, deps, audit),
    /** The hub's clock (injectable in tests): "today" for overdue flags. */
    now: deps.now,
  };
}
export type SupervisionServices = ReturnType<typeof createSupervisionServices>;
