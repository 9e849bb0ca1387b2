import type { Rule } from 'graphql-shield/typings/rules';
import { baseSchema } from '../src/graphql/schema';
import { ruleMap } from '../src/graphql/permissions';
import { ROLES, type Role } from '../src/access/roles';

/**
 * Who may call what (DESIGN.md §1), written out as a table a reader can check against the design:
 * for every root query and mutation, the roles the permission layer lets through. The roles are
 * found by running each operation's rule (graphql/permissions.ts, built from the named sets in
 * src/access/roles.ts) for an actor of each role, so changing a role set, a rule or adding an
 * operation without its line here fails this test. Jurisdiction and clear/masked come on top
 * (test/permission-matrix.test.ts, test/audit-jurisdiction.test.ts); this is the first gate only.
 */
const ALL: Role[] = [...ROLES];
const DEPT = 'DEPARTMENT_STAFF';
const OFFICER = 'CASE_OFFICER';
const REVIEWER = 'AGENCY_REVIEWER';
const SUPERVISOR = 'SUPERVISOR';
const ADMIN = 'ADMIN';
const FOLLOW_UP: Role[] = [OFFICER, REVIEWER, SUPERVISOR];
const INSPECTION: Role[] = [REVIEWER, SUPERVISOR];

const POLICY: Record<'Query' | 'Mutation', Record<string, Role[]>> = {
  Query: {
    // everyone signed in: who am I, the unit tree, cases (jurisdiction filters), terminated cases
    me: ALL,
    unit: ALL,
    units: ALL,
    isSameOrAbove: ALL,
    case: ALL,
    cases: ALL,
    terminatedCases: ALL,
    terminatedCase: ALL,
    // the check before accepting a matter: every department, never administrators
    checkDuplicate: [DEPT, OFFICER, REVIEWER, SUPERVISOR],
    // the agency's work queues
    pendingTerminationApplications: [REVIEWER],
    pendingTerminationApplicationCount: [REVIEWER],
    escalationInbox: [REVIEWER],
    // follow-up records: never departments' staff or administrators
    followUp: FOLLOW_UP,
    overdueReturnVisits: FOLLOW_UP,
    escalationReport: FOLLOW_UP,
    // supervision's inspection queries, statistics and report
    inspectionOverdueVisits: INSPECTION,
    inspectionIncompleteArchives: INSPECTION,
    inspectionStaleTracking: INSPECTION,
    inspectionOpenEscalations: INSPECTION,
    inspectionLookupActivity: INSPECTION,
    followUpStatistics: INSPECTION,
    followUpReport: INSPECTION,
    overdueRectifications: INSPECTION,
    inspections: INSPECTION,
    inspection: INSPECTION,
    rectificationOrders: [OFFICER, REVIEWER, SUPERVISOR],
    rectificationOrder: [OFFICER, REVIEWER, SUPERVISOR],
    accountabilityRecords: [SUPERVISOR, ADMIN],
    accountabilityStatistics: [SUPERVISOR, ADMIN],
    publicFeedbackList: [OFFICER, REVIEWER, SUPERVISOR],
    publicFeedback: [OFFICER, REVIEWER, SUPERVISOR],
    // the audit log is the supervisors'
    verifyAuditChain: [SUPERVISOR],
    auditLog: [SUPERVISOR],
  },
  Mutation: {
    // the unit tree: administrators only
    createUnit: [ADMIN],
    renameUnit: [ADMIN],
    moveUnit: [ADMIN],
    // the procedure, by the handling unit's officers; the agency decides on termination
    registerCase: [OFFICER],
    recordStep: [OFFICER],
    recordDelivery: [OFFICER],
    recordRequest: [OFFICER],
    recordRepeatSubmission: [OFFICER],
    recordGoodReason: [OFFICER],
    extendHandling: [OFFICER],
    applyForTermination: [OFFICER],
    approveTermination: [REVIEWER],
    returnTermination: [REVIEWER],
    notifyTermination: [OFFICER],
    // a supervisor's audited reveal of a petitioner
    revealPetitioner: [SUPERVISOR],
    // follow-up work by the officers; escalations answered by the agency
    addArchiveDocument: [OFFICER],
    correctArchiveDocument: [OFFICER],
    recordReturnVisit: [OFFICER],
    recordTracking: [OFFICER],
    reportEscalation: [OFFICER],
    acknowledgeEscalation: [REVIEWER],
    resolveEscalation: [REVIEWER],
    // inspections, findings, orders and accountability by supervisors; orders answered by officers
    createInspection: [SUPERVISOR],
    concludeInspection: [SUPERVISOR],
    addInspectionFinding: [SUPERVISOR],
    issueRectificationOrder: [SUPERVISOR],
    reportRectificationCompletion: [OFFICER],
    verifyRectification: [SUPERVISOR],
    recordAccountability: [SUPERVISOR],
    // public feedback: recorded, assigned and closed by the inspectors, answered by officers
    recordPublicFeedback: INSPECTION,
    assignPublicFeedback: INSPECTION,
    answerPublicFeedback: [OFFICER],
    closePublicFeedback: INSPECTION,
  },
};

async function admitted(rule: Rule): Promise<Role[]> {
  const roles: Role[] = [];
  for (const role of ROLES) {
    const actor = {
      userId: 'u',
      name: 'u',
      role,
      unitId: 1,
      unitCode: 'ZJ',
      unitKind: 'PETITION_AGENCY',
      unitPath: '1',
    };
    const ctx = { actor, _shield: { cache: {} } };
    const result = await rule.resolve({}, {}, ctx, {} as never, { debug: false } as never);
    if (result === true) roles.push(role);
  }
  return roles;
}

const sorted = (roles: Role[]) => [...roles].sort();

describe('the policy table (DESIGN.md §1) is what the permission layer does', () => {
  for (const type of ['Query', 'Mutation'] as const) {
    it(`lists every ${type} field exactly once`, () => {
      const fields = baseSchema()[type === 'Query' ? 'getQueryType' : 'getMutationType']()!.getFields();
      expect(Object.keys(POLICY[type]).sort()).toEqual(Object.keys(fields).sort());
    });

    it(`lets through exactly the listed roles for each ${type} field`, async () => {
      const rules = ruleMap[type] as Record<string, Rule>;
      const differences: string[] = [];
      for (const [field, expected] of Object.entries(POLICY[type])) {
        const got = await admitted(rules[field]);
        if (sorted(got).join() !== sorted(expected).join())
          differences.push(
            `${type}.${field}: expected ${sorted(expected).join('|')}, rule admits ${got.join('|')}`,
          );
      }
      expect(differences).toEqual([]);
    });
  }
});
