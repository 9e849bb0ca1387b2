import {
  ArchiveDocumentResolver,
  ArchiveDocumentVersionResolver,
  StoredFileResolver,
  TerminationArchiveResolver,
} from './archive.resolver';
import { EscalationResolver } from './escalation.resolver';
import { CaseFollowUpFieldsResolver, FollowUpResolver } from './follow-up.resolver';
import { TrackingRecordResolver } from './tracking.resolver';
import { ReturnVisitResolver } from './visit.resolver';

/** The follow-up module's resolvers, one file per root concept (registered in graphql/schema.ts). */
export const followUpResolvers = [
  FollowUpResolver,
  CaseFollowUpFieldsResolver,
  TerminationArchiveResolver,
  ArchiveDocumentResolver,
  ArchiveDocumentVersionResolver,
  StoredFileResolver,
  ReturnVisitResolver,
  TrackingRecordResolver,
  EscalationResolver,
] as const;
