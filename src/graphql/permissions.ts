import { allow, deny, rule, shield } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import {
  ACCOUNTABILITY_READERS,
  DUPLICATE_CHECKERS,
  FEEDBACK_HANDLERS,
  FEEDBACK_READERS,
  FINDING_READERS,
  FOLLOWUP_READERS,
  INSPECTORS,
  ORDER_READERS,
  type Role,
} from '../access/roles';
import { ForbiddenError } from '../errors';
import type { Context } from './context';

const roleRules = new Map<string, Rule>();
/**
 * A rule that lets the listed roles through and answers everyone else with FORBIDDEN.
 * Memoised by name: graphql-shield refuses two different rules with one name.
 */
export const role = (...roles: Role[]): Rule => {
  const name = `role:${[...roles].sort().join('|')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_p, _a, ctx: Context) =>
      roles.includes(ctx.actor.role) ? true : new ForbiddenError(),
    );
    roleRules.set(name, r);
  }
  return r;
};

/*
 * The role sets come from src/access/roles.ts, where the services take theirs: one list each.
 * Follow-up records: the free text inside is masked per case (src/access/visibility.ts).
 * Supervision: services check role and jurisdiction again.
 */
const followUpReader = role(...FOLLOWUP_READERS);
const inspector = role(...INSPECTORS);
const feedbackHandler = role(...FEEDBACK_HANDLERS);
const supervisor = role('SUPERVISOR');
const accountabilityReader = role(...ACCOUNTABILITY_READERS);
const orderReader = role(...ORDER_READERS);
const findingReader = role(...FINDING_READERS);
const feedbackReader = role(...FEEDBACK_READERS);

/** Authenticated: the context only exists for a verified actor, so this documents intent. */
const anyone = rule('authenticated', { cache: 'contextual' })((_p, _a, ctx: Context) => !!ctx.actor);

/**
 * Who may call what. Deny by default: an operation or field not listed here is closed.
 * Object types without personal data are opened whole; types that carry personal data list
 * their fields one by one (and mask in the field middleware), so a new field there stays closed.
 */
export const ruleMap = {
  Query: {
    me: anyone,
    unit: anyone,
    units: anyone,
    isSameOrAbove: anyone,
    case: anyone,
    cases: anyone,
    pendingTerminationApplications: role('AGENCY_REVIEWER'),
    pendingTerminationApplicationCount: role('AGENCY_REVIEWER'),
    terminatedCases: anyone,
    terminatedCase: anyone,
    checkDuplicate: role(...DUPLICATE_CHECKERS),
    verifyAuditChain: role('SUPERVISOR'),
    auditLog: role('SUPERVISOR'),
    followUp: followUpReader,
    overdueReturnVisits: followUpReader,
    escalationReport: followUpReader,
    escalationInbox: role('AGENCY_REVIEWER'),
    inspectionOverdueVisits: inspector,
    inspectionIncompleteArchives: inspector,
    inspectionStaleTracking: inspector,
    inspectionOpenEscalations: inspector,
    inspectionLookupActivity: inspector,
    followUpStatistics: inspector,
    followUpReport: inspector,
    overdueRectifications: inspector,
    inspections: inspector,
    inspection: inspector,
    rectificationOrders: orderReader,
    rectificationOrder: orderReader,
    accountabilityRecords: accountabilityReader,
    accountabilityStatistics: accountabilityReader,
    publicFeedbackList: feedbackReader,
    publicFeedback: feedbackReader,
  },
  Mutation: {
    createUnit: role('ADMIN'),
    renameUnit: role('ADMIN'),
    moveUnit: role('ADMIN'),
    registerCase: role('CASE_OFFICER'),
    recordStep: role('CASE_OFFICER'),
    recordDelivery: role('CASE_OFFICER'),
    recordRequest: role('CASE_OFFICER'),
    recordRepeatSubmission: role('CASE_OFFICER'),
    recordGoodReason: role('CASE_OFFICER'),
    extendHandling: role('CASE_OFFICER'),
    applyForTermination: role('CASE_OFFICER'),
    approveTermination: role('AGENCY_REVIEWER'),
    returnTermination: role('AGENCY_REVIEWER'),
    notifyTermination: role('CASE_OFFICER'),
    revealPetitioner: role('SUPERVISOR'),
    addArchiveDocument: role('CASE_OFFICER'),
    correctArchiveDocument: role('CASE_OFFICER'),
    recordReturnVisit: role('CASE_OFFICER'),
    recordTracking: role('CASE_OFFICER'),
    reportEscalation: role('CASE_OFFICER'),
    acknowledgeEscalation: role('AGENCY_REVIEWER'),
    resolveEscalation: role('AGENCY_REVIEWER'),
    createInspection: supervisor,
    concludeInspection: supervisor,
    addInspectionFinding: supervisor,
    issueRectificationOrder: supervisor,
    reportRectificationCompletion: role('CASE_OFFICER'),
    verifyRectification: supervisor,
    recordAccountability: supervisor,
    recordPublicFeedback: feedbackHandler,
    assignPublicFeedback: feedbackHandler,
    answerPublicFeedback: role('CASE_OFFICER'),
    closePublicFeedback: feedbackHandler,
  },
  Me: allow,
  Unit: allow,
  // Every Case field is open except the follow-up, which departments' staff never reach.
  // Case carries personal data: its fields are opened one by one, so a new field stays closed
  // until it is listed here (test/permission-matrix.test.ts then says how it must be masked).
  Case: {
    ...Object.fromEntries(
      [
        'id',
        'externalRef',
        'category',
        'title',
        'factsAndReasons',
        'requests',
        'status',
        'createdAt',
        'handlingUnit',
        'steps',
        'progress',
        'handlingExtended',
        'reviewRequestedAt',
        'reReviewRequestedAt',
        'repeatSubmittedAt',
        'goodReasonAt',
        'terminatedAt',
        'termination',
        'terminationApplications',
        'relatedCase',
        // personal data: masked or null in the resolver for readers without clear access
        'petitioner',
        'goodReason',
        'repeatSubmissionNote',
      ].map((f) => [f, allow]),
    ),
    followUp: followUpReader,
  },
  CaseStep: allow,
  CaseProgress: allow,
  CaseConnection: allow,
  PageInfo: allow,
  TerminationApplication: allow,
  TerminatedCaseConnection: allow,
  DuplicateCheckResult: allow,
  DuplicateMatch: allow,
  AuditVerification: allow,
  AuditLogEntry: allow,
  AuditLogEdge: allow,
  AuditLogConnection: allow,
  // Personal data: each field opened by name (masking happens in the resolver, see petitioner.graphql.ts).
  Petitioner: { clear: allow, name: allow, idNumber: allow, phone: allow, address: allow },
  // Follow-up (src/modules/followup): readers only, whole types without officers' text; the types
  // carrying officers' text list every field (the text fields are null unless visibilityFor allows).
  FollowUp: followUpReader,
  TerminationArchive: followUpReader,
  ArchiveRequirement: followUpReader,
  ArchiveDocument: followUpReader,
  VisitSchedule: followUpReader,
  VisitSlot: followUpReader,
  VisitPolicy: followUpReader,
  OverdueReturnVisit: followUpReader,
  OverdueReturnVisitConnection: followUpReader,
  EscalationReportConnection: followUpReader,
  ArchiveDocumentVersion: {
    id: followUpReader,
    version: followUpReader,
    title: followUpReader,
    documentDate: followUpReader,
    issuingUnit: followUpReader,
    createdBy: followUpReader,
    createdAt: followUpReader,
    clear: followUpReader,
    hasText: followUpReader,
    text: followUpReader,
    correctionReason: followUpReader,
    file: followUpReader,
  },
  StoredFile: {
    id: followUpReader,
    sha256: followUpReader,
    sizeBytes: followUpReader,
    contentType: followUpReader,
    uploadedBy: followUpReader,
    uploadedAt: followUpReader,
    name: followUpReader,
    downloadPath: followUpReader,
  },
  ReturnVisit: {
    id: followUpReader,
    visitedAt: followUpReader,
    visitedOn: followUpReader,
    method: followUpReader,
    officer: followUpReader,
    recordedBy: followUpReader,
    createdAt: followUpReader,
    clear: followUpReader,
    opinions: followUpReader,
    suggestions: followUpReader,
    situation: followUpReader,
    explanation: followUpReader,
  },
  TrackingRecord: {
    id: followUpReader,
    observedOn: followUpReader,
    riskLevel: followUpReader,
    recordedBy: followUpReader,
    createdAt: followUpReader,
    clear: followUpReader,
    situation: followUpReader,
    measures: followUpReader,
  },
  EscalationReport: {
    id: followUpReader,
    kind: followUpReader,
    status: followUpReader,
    discoveredOn: followUpReader,
    reportedBy: followUpReader,
    reportedAt: followUpReader,
    acknowledgedAt: followUpReader,
    acknowledgedBy: followUpReader,
    resolvedAt: followUpReader,
    resolvedBy: followUpReader,
    outcome: followUpReader,
    case: followUpReader,
    targetAgency: followUpReader,
    trackingRecordId: followUpReader,
    newCase: followUpReader,
    clear: followUpReader,
    description: followUpReader,
    measuresTaken: followUpReader,
    acknowledgeMeasures: followUpReader,
    resolveMeasures: followUpReader,
  },
  // Supervision (src/modules/supervision): counts and metadata; cases inside go through Case's masking.
  OverdueVisitCase: inspector,
  OverdueVisitCaseConnection: inspector,
  InspectionVisitSlot: inspector,
  IncompleteArchiveCase: inspector,
  IncompleteArchiveCaseConnection: inspector,
  StaleTrackingCase: inspector,
  StaleTrackingCaseConnection: inspector,
  OpenEscalation: inspector,
  OpenEscalationConnection: inspector,
  LookupActivity: inspector,
  LookupActivityConnection: inspector,
  FollowUpStatistics: inspector,
  FollowUpReport: inspector,
  VisitStatistics: inspector,
  ArchiveStatistics: inspector,
  TrackingStatistics: inspector,
  EscalationStatistics: inspector,
  RectificationStatistics: inspector,
  FeedbackStatistics: inspector,
  InspectionConnection: inspector,
  // Officers and administrators reach an inspection's metadata (through an order or a record),
  // never its list of findings.
  Inspection: { '*': findingReader, findings: inspector },
  InspectionFinding: {
    '*': findingReader,
    rectificationOrders: orderReader,
    accountabilityRecords: accountabilityReader,
  },
  RectificationOrder: orderReader,
  RectificationOrderConnection: orderReader,
  AccountabilityRecord: accountabilityReader,
  AccountabilityRecordConnection: accountabilityReader,
  AccountabilityStatistics: accountabilityReader,
  MisconductCount: accountabilityReader,
  MeasureCount: accountabilityReader,
  PublicFeedbackConnection: feedbackReader,
  // The submitter's name and phone are personal data (masked unless the reader replies): fields one by one.
  PublicFeedback: {
    id: feedbackReader,
    receivedOn: feedbackReader,
    channel: feedbackReader,
    sourceRef: feedbackReader,
    content: feedbackReader,
    recordedBy: feedbackReader,
    recordedAt: feedbackReader,
    status: feedbackReader,
    assignedBy: feedbackReader,
    assignedAt: feedbackReader,
    assignmentNote: feedbackReader,
    answer: feedbackReader,
    answeredBy: feedbackReader,
    answeredAt: feedbackReader,
    closingNote: feedbackReader,
    satisfaction: feedbackReader,
    closedBy: feedbackReader,
    closedAt: feedbackReader,
    clear: feedbackReader,
    submitterName: feedbackReader,
    submitterPhone: feedbackReader,
    concernedUnit: feedbackReader,
    recordingUnit: feedbackReader,
    assignedUnit: feedbackReader,
    case: feedbackReader,
  },
};

export const permissions = shield(ruleMap, {
  fallbackRule: deny,
  allowExternalErrors: true,
  fallbackError: () => new ForbiddenError('无权访问此字段或操作'),
});
