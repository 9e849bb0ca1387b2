import { AccountabilityResolver } from './accountability.resolver';
import { PublicFeedbackResolver } from './feedback.resolver';
import {
  InspectionQueryResolver,
  LookupActivityResolver,
  OpenEscalationResolver,
} from './inspection-queries.resolver';
import { InspectionFindingResolver, InspectionResolver } from './inspection.resolver';
import { RectificationOrderResolver } from './rectification.resolver';
import { StatisticsResolver } from './statistics.resolver';

/** The supervision module's resolvers, one file per root concept (registered in graphql/schema.ts). */
export const supervisionResolvers = [
  InspectionQueryResolver,
  OpenEscalationResolver,
  LookupActivityResolver,
  StatisticsResolver,
  InspectionResolver,
  InspectionFindingResolver,
  RectificationOrderResolver,
  AccountabilityResolver,
  PublicFeedbackResolver,
] as const;
