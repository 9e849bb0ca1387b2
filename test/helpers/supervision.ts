import { ok, type TestHub } from './hub';
import type { Role } from '../../src/access/roles';
import { todayInChina } from '../../src/shared/dates';
import { REGISTER, caseInput, loadDemoUnits, terminatedCase } from './fixtures';
import { ACK, ADD_DOC, REPORT, REQUIRED_KINDS, RESOLVE, TRACK, VISIT, visitInput } from './followup';

export { REQUIRED_KINDS };

export const CREATE_INSPECTION = `mutation($input: CreateInspectionInput!) { createInspection(input: $input) {
  id title status periodFrom periodTo inspectors createdBy scopeUnit { code } organizingUnit { code } } }`;
export const ADD_FINDING = `mutation($input: AddInspectionFindingInput!) { addInspectionFinding(input: $input) {
  id targetKind targetId problem description recordedBy unit { code } case { id } inspection { id } } }`;
export const ISSUE = `mutation($input: IssueRectificationOrderInput!) { issueRectificationOrder(input: $input) {
  id status deadline issuedOn requirement responsibleUnit { code } finding { id } reissueOf { id } overdue } }`;
export const COMPLETE = `mutation($input: ReportRectificationCompletionInput!) { reportRectificationCompletion(input: $input) {
  id status completionReport completedOn completedBy completedLate } }`;
export const VERIFY = `mutation($input: VerifyRectificationInput!) { verifyRectification(input: $input) {
  id status verificationOpinion verifiedBy } }`;
export const CONCLUDE = `mutation($id: ID!, $c: String!) { concludeInspection(inspectionId: $id, conclusion: $c) {
  id status conclusion concludedBy } }`;
export const RECORD_FEEDBACK = `mutation($input: RecordPublicFeedbackInput!) { recordPublicFeedback(input: $input) {
  id status receivedOn channel content submitterName submitterPhone clear concernedUnit { code } case { id } } }`;
export const ASSIGN_FEEDBACK = `mutation($id: ID!, $unit: String!, $note: String) { assignPublicFeedback(feedbackId: $id, unitCode: $unit, note: $note) {
  id status assignedUnit { code } assignedBy } }`;
export const ANSWER_FEEDBACK = `mutation($id: ID!, $a: String!) { answerPublicFeedback(feedbackId: $id, answer: $a) {
  id status answer answeredBy } }`;
export const CLOSE_FEEDBACK = `mutation($id: ID!, $s: FeedbackSatisfaction, $note: String) { closePublicFeedback(feedbackId: $id, satisfaction: $s, note: $note) {
  id status satisfaction closedBy } }`;

/**
 * The people the supervision tests act as, by the names the tests use: officers and reviewers in
 * Hangzhou (ZJ-HZ and below) and Wenzhou (the Ouhai district agency ZJ-WZ-OH and the city agency
 * ZJ-WZ), supervisors at three levels, a department's staff and the administrator.
 */
export const CAST = {
  officer: ['CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办'],
  cityOfficer: ['CASE_OFFICER', 'ZJ-HZ', '赵经办'],
  rsOfficer: ['CASE_OFFICER', 'ZJ-HZ-RS', '孙经办'],
  reviewer: ['AGENCY_REVIEWER', 'ZJ-HZ', '李审核'],
  wzOfficer: ['CASE_OFFICER', 'ZJ-WZ-OH-ZJ', '陈经办'],
  wzReviewer: ['AGENCY_REVIEWER', 'ZJ-WZ-OH', '周审核'],
  wzCityReviewer: ['AGENCY_REVIEWER', 'ZJ-WZ', '周审核'],
  staff: ['DEPARTMENT_STAFF', 'ZJ-HZ-ZJ', '吴科员'],
  supervisor: ['SUPERVISOR', 'ZJ', '郑监督'],
  hzSupervisor: ['SUPERVISOR', 'ZJ-HZ', '冯监督'],
  wzSupervisor: ['SUPERVISOR', 'ZJ-WZ', '何监督'],
  admin: ['ADMIN', 'ZJ', '管理员'],
} as const satisfies Record<string, readonly [Role, string, string]>;

/** A token for each of the cast. */
export async function castTokens(t: TestHub): Promise<Record<keyof typeof CAST, string>> {
  const entries = await Promise.all(
    Object.entries(CAST).map(
      async ([k, [role, unit, name]]) => [k, await t.token(role, unit, name)] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<keyof typeof CAST, string>;
}

export const at = (t: TestHub, day: string) => (t.clock.now = new Date(`${day}T04:00:00Z`));

export interface World {
  tokens: Record<string, string>;
  /** Case ids by name (C1…C7 terminated; OPEN in progress). */
  cases: Record<string, string>;
  /** What the seed did, for the tests to compute their expectations from. */
  timeline: {
    terminated: Record<string, { day: string; unit: string }>;
    visits: Record<string, string[]>;
    tracking: Record<string, string[]>;
  };
  orders: Record<string, string>;
  findings: Record<string, string>;
  inspectionId: string;
  feedback: Record<string, string>;
}

/** The day the tests look at the world from. */
export const TODAY = '2026-10-15';

/**
 * A small province with a known follow-up history, built through the real API day by day (the
 * test clock moves forward): seven terminated cases in four units, visits, tracking, escalations,
 * archive documents, an inspection with three rectification orders, public feedback and a day of
 * look-ups. Each test file computes its expected answers from `timeline` (or by hand, in comments).
 *
 *   case unit          terminated  visits          tracking   escalation (reported, status)
 *   C1   ZJ-HZ-ZJ      2026-05-10  06-05, 09-20    09-01      09-02 RESOLVED
 *   C2   ZJ-HZ-ZJ      2026-06-01  07-05           —          07-10 ACKNOWLEDGED (07-12)
 *   C3   ZJ-HZ-ZJ      2026-07-15  —               07-20      08-20 REPORTED
 *   C4   ZJ-WZ-OH-ZJ   2026-05-20  06-15           10-01      10-05 REPORTED
 *   C5   ZJ-WZ-OH-ZJ   2026-08-01  08-20           —          —
 *   C6   ZJ-HZ         2026-06-10  —               —          —        (the city agency's own case)
 *   C7   ZJ-HZ-RS      2026-06-20  07-18           08-20      —        (its archive row removed, as if imported)
 *
 * Archives: C1, C3, C4 complete; C2 lacks DECISION and NOTIFICATION; C5, C6 empty; C7 never created.
 * Orders (inspection by ZJ of ZJ-HZ): O1 on C2 issued 09-05, deadline 09-30, still ISSUED;
 * O2 on C3 issued 09-10, deadline 10-31, ISSUED; O3 on C2 issued 09-12, deadline 09-20, completed
 * 09-18 and VERIFIED. Feedback: F1 (ZJ-HZ-ZJ) received 08-01, CLOSED; F2 (ZJ-HZ-RS) received 09-15,
 * RECEIVED; F3 (ZJ-HZ-ZJ) received 10-02, RECEIVED.
 * Look-ups on 10-10: ZJ-HZ-RS staff 3 duplicate checks; ZJ-WZ-OH-ZJ officer 1; the ZJ supervisor
 * reveals C1 once (and so reads its name in clear once); the ZJ-HZ-ZJ officer reads C1's petitioner
 * in clear twice.
 */
export async function seedWorld(t: TestHub): Promise<World> {
  await loadDemoUnits(t);
  const tokens = {
    hzOfficer: await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办'),
    hzReviewer: await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核'),
    wzOfficer: await t.token('CASE_OFFICER', 'ZJ-WZ-OH-ZJ', '陈经办'),
    wzReviewer: await t.token('AGENCY_REVIEWER', 'ZJ-WZ-OH', '周审核'),
    agOfficer: await t.token('CASE_OFFICER', 'ZJ-HZ', '赵经办'),
    zjReviewer: await t.token('AGENCY_REVIEWER', 'ZJ', '钱审核'),
    rsOfficer: await t.token('CASE_OFFICER', 'ZJ-HZ-RS', '孙经办'),
    rsStaff: await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员'),
    supervisor: await t.token('SUPERVISOR', 'ZJ', '郑监督'),
    hzSupervisor: await t.token('SUPERVISOR', 'ZJ-HZ', '冯监督'),
    wzSupervisor: await t.token('SUPERVISOR', 'ZJ-WZ', '何监督'),
    admin: await t.token('ADMIN', 'ZJ', '管理员'),
  };
  const who: Record<string, [string, string, string]> = {
    C1: [tokens.hzOfficer, tokens.hzReviewer, 'ZJ-HZ-ZJ'],
    C2: [tokens.hzOfficer, tokens.hzReviewer, 'ZJ-HZ-ZJ'],
    C3: [tokens.hzOfficer, tokens.hzReviewer, 'ZJ-HZ-ZJ'],
    C4: [tokens.wzOfficer, tokens.wzReviewer, 'ZJ-WZ-OH-ZJ'],
    C5: [tokens.wzOfficer, tokens.wzReviewer, 'ZJ-WZ-OH-ZJ'],
    C6: [tokens.agOfficer, tokens.zjReviewer, 'ZJ-HZ'],
    C7: [tokens.rsOfficer, tokens.hzReviewer, 'ZJ-HZ-RS'],
  };
  const timeline: World['timeline'] = { terminated: {}, visits: {}, tracking: {} };
  const cases: Record<string, string> = {};
  const officerOf = (c: string) => who[c][0];
  const reviewerOf = (c: string) => who[c][1];

  const terminate = async (c: string, day: string) => {
    at(t, day);
    cases[c] = await terminatedCase(t, officerOf(c), reviewerOf(c));
    timeline.terminated[c] = { day, unit: who[c][2] };
    timeline.visits[c] = [];
    timeline.tracking[c] = [];
  };
  const visit = async (c: string, day: string) => {
    at(t, day);
    ok(await t.gql(VISIT, { input: visitInput(cases[c], { visitedAt: `${day}T02:00:00Z` }) }, officerOf(c)));
    timeline.visits[c].push(day);
  };
  const track = async (c: string, day: string) => {
    at(t, day);
    ok(
      await t.gql(
        TRACK,
        { input: { caseId: cases[c], observedOn: day, riskLevel: 'MEDIUM', situation: '情况平稳' } },
        officerOf(c),
      ),
    );
    timeline.tracking[c].push(day);
  };
  const escalate = async (c: string, day: string) => {
    at(t, day);
    return ok(
      await t.gql(
        REPORT,
        {
          input: {
            caseId: cases[c],
            kind: 'NEW_DEMAND',
            discoveredOn: day,
            description: '提出新的诉求',
            measuresTaken: '已听取诉求',
          },
        },
        officerOf(c),
      ),
    ).reportEscalation.id as string;
  };
  const ack = async (c: string, id: string) =>
    ok(await t.gql(ACK, { input: { reportId: id, measures: '已签收' } }, reviewerOf(c)));
  const archive = async (c: string, kinds: string[]) => {
    for (const kind of kinds)
      ok(
        await t.gql(
          ADD_DOC,
          {
            input: {
              caseId: cases[c],
              kind,
              title: `${kind} 材料`,
              documentDate: todayInChina(t.clock.now),
              issuingUnit: '杭州市住房和城乡建设局',
              text: '材料正文',
            },
          },
          officerOf(c),
        ),
      );
  };

  const inspection = { id: '' };
  const findings: Record<string, string> = {};
  const orders: Record<string, string> = {};
  const feedback: Record<string, string> = {};
  const finding = async (c: string, problem: string) =>
    ok(
      await t.gql(
        ADD_FINDING,
        {
          input: {
            inspectionId: inspection.id,
            targetKind: 'CASE',
            targetId: cases[c],
            problem,
            description: `事项 ${cases[c]} 存在问题`,
          },
        },
        tokens.supervisor,
      ),
    ).addInspectionFinding.id as string;
  const issue = async (key: string, day: string, findingId: string, deadline: string) => {
    at(t, day);
    orders[key] = ok(
      await t.gql(
        ISSUE,
        { input: { findingId, requirement: '限期整改并报告', deadline } },
        tokens.supervisor,
      ),
    ).issueRectificationOrder.id;
  };
  const record = async (key: string, day: string, unitCode: string) => {
    at(t, day);
    feedback[key] = ok(
      await t.gql(
        RECORD_FEEDBACK,
        { input: { receivedOn: day, channel: 'PHONE', content: '反映终结后无人回访', unitCode } },
        tokens.supervisor,
      ),
    ).recordPublicFeedback.id;
  };

  // Day by day.
  await terminate('C1', '2026-05-10');
  await terminate('C4', '2026-05-20');
  await terminate('C2', '2026-06-01');
  await visit('C1', '2026-06-05');
  await terminate('C6', '2026-06-10');
  await visit('C4', '2026-06-15');
  await terminate('C7', '2026-06-20');
  await visit('C2', '2026-07-05');
  const e2 = await escalate('C2', '2026-07-10');
  at(t, '2026-07-12');
  await ack('C2', e2);
  await terminate('C3', '2026-07-15');
  await visit('C7', '2026-07-18');
  await track('C3', '2026-07-20');
  await terminate('C5', '2026-08-01');
  await record('F1', '2026-08-01', 'ZJ-HZ-ZJ');
  ok(await t.gql(ASSIGN_FEEDBACK, { id: feedback.F1, unit: 'ZJ-HZ-ZJ' }, tokens.supervisor));
  ok(await t.gql(ANSWER_FEEDBACK, { id: feedback.F1, a: '已安排回访' }, tokens.hzOfficer));
  ok(await t.gql(CLOSE_FEEDBACK, { id: feedback.F1, s: 'SATISFIED' }, tokens.supervisor));
  await visit('C5', '2026-08-20');
  await track('C7', '2026-08-20');
  await escalate('C3', '2026-08-20');
  await track('C1', '2026-09-01');
  const e1 = await escalate('C1', '2026-09-02');
  await ack('C1', e1);
  ok(
    await t.gql(
      RESOLVE,
      { input: { reportId: e1, outcome: 'HANDLED', measures: '已答复' } },
      reviewerOf('C1'),
    ),
  );

  // The province inspects ZJ-HZ and orders three rectifications.
  at(t, '2026-09-05');
  inspection.id = ok(
    await t.gql(
      CREATE_INSPECTION,
      {
        input: {
          title: '2026年杭州市信访终结后续管理专项检查',
          scopeUnitCode: 'ZJ-HZ',
          periodFrom: '2026-05-01',
          periodTo: '2026-08-31',
          inspectors: ['郑监督', '卫检查'],
        },
      },
      tokens.supervisor,
    ),
  ).createInspection.id;
  findings.C2 = await finding('C2', 'OVERDUE_VISIT');
  findings.C3 = await finding('C3', 'STALE_TRACKING');
  await issue('O1', '2026-09-05', findings.C2, '2026-09-30');
  await issue('O2', '2026-09-10', findings.C3, '2026-10-31');
  await issue('O3', '2026-09-12', findings.C2, '2026-09-20');
  await record('F2', '2026-09-15', 'ZJ-HZ-RS');
  at(t, '2026-09-18');
  ok(
    await t.gql(
      COMPLETE,
      { input: { orderId: orders.O3, report: '已补做回访', completedOn: '2026-09-18' } },
      tokens.hzOfficer,
    ),
  );
  ok(
    await t.gql(
      VERIFY,
      { input: { orderId: orders.O3, passed: true, opinion: '核查属实' } },
      tokens.supervisor,
    ),
  );
  await visit('C1', '2026-09-20');
  await track('C4', '2026-10-01');
  await record('F3', '2026-10-02', 'ZJ-HZ-ZJ');
  await escalate('C4', '2026-10-05');

  at(t, '2026-10-06');
  await archive('C1', REQUIRED_KINDS);
  await archive('C3', REQUIRED_KINDS);
  await archive('C4', REQUIRED_KINDS);
  await archive('C2', REQUIRED_KINDS.slice(0, 6));
  await t.sql('delete from termination_archive where case_id = $1', [cases.C7]);
  cases.OPEN = ok(await t.gql(REGISTER, { input: caseInput() }, tokens.hzOfficer)).registerCase.id;

  // A day of look-ups.
  at(t, '2026-10-10');
  const CHECK = `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) { verdict } }`;
  const content = { content: '反映小区外墙渗漏多次报修未果，要求开发商维修赔偿。' };
  for (let i = 0; i < 3; i++) ok(await t.gql(CHECK, { input: content }, tokens.rsStaff));
  ok(await t.gql(CHECK, { input: content }, tokens.wzOfficer));
  ok(
    await t.gql(
      `mutation($id: ID!) { revealPetitioner(caseId: $id, reason: "核实回访对象身份") { name } }`,
      { id: cases.C1 },
      tokens.supervisor,
    ),
  );
  for (let i = 0; i < 2; i++)
    ok(
      await t.gql(
        `query($id: ID!) { case(id: $id) { petitioner { name } } }`,
        { id: cases.C1 },
        tokens.hzOfficer,
      ),
    );

  at(t, TODAY);
  return { tokens, cases, timeline, orders, findings, inspectionId: inspection.id, feedback };
}
