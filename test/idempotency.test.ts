import { errorOf, ok, startTestHub, type TestHub } from './helpers/hub';
import { caseInput, loadDemoUnits, newIdNumber } from './helpers/fixtures';

/**
 * Issue 12: every mutation that creates something (or moves a case on) takes an optional
 * `idempotencyKey` with the follow-up mutations' semantics: the same key with the same input
 * answers the first answer and writes nothing more (no second row, no second audit entry); the
 * same key with another input is refused with CONFLICT. Table-driven, through the real API, in
 * the order a case goes from registration to termination and supervision.
 */

let t: TestHub;
const tok: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-10-15T04:00:00Z');
  tok.officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  tok.reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
  tok.supervisor = await t.token('SUPERVISOR', 'ZJ', '郑监督');
  tok.admin = await t.token('ADMIN', 'ZJ', '周管理');
});
afterAll(() => t?.close());

interface Row {
  name: string;
  /** The audit operation the write records once. */
  operation: string;
  /** A table whose rows the write adds to (checked to grow by exactly one), if it creates one. */
  table?: string;
  token: keyof typeof tok | string;
  query: string;
  vars: () => Record<string, unknown>;
  /** The same key with a different input. */
  otherVars: () => Record<string, unknown>;
  /** Remembers the created id for later rows. */
  keep?: (data: any) => void;
  /** Unkeyed set-up before the row. */
  before?: () => Promise<void>;
}

const REGISTER = `mutation($input: RegisterCaseInput!) { registerCase(input: $input) { id status title } }`;
const STEP = `mutation($input: RecordStepInput!) { recordStep(input: $input) { id steps { kind opinion } } }`;
const REQUEST = `mutation($id: ID!, $kind: StepKind!, $at: LocalDate!, $k: String) {
  recordRequest(caseId: $id, kind: $kind, requestedAt: $at, idempotencyKey: $k) { id reviewRequestedAt reReviewRequestedAt } }`;
const DELIVERY = `mutation($id: ID!, $kind: StepKind!, $at: LocalDate!, $k: String) {
  recordDelivery(caseId: $id, kind: $kind, deliveredAt: $at, idempotencyKey: $k) { id } }`;
const REPEAT = `mutation($id: ID!, $at: LocalDate!, $note: String!, $k: String) {
  recordRepeatSubmission(caseId: $id, submittedAt: $at, note: $note, idempotencyKey: $k) { id } }`;
const GOOD_REASON = `mutation($id: ID!, $r: String!, $at: LocalDate!, $k: String) {
  recordGoodReason(caseId: $id, reason: $r, recordedAt: $at, idempotencyKey: $k) { id } }`;
const EXTEND = `mutation($id: ID!, $k: String) { extendHandling(caseId: $id, idempotencyKey: $k) { id } }`;
const APPLY = `mutation($id: ID!, $s: String!, $k: String) {
  applyForTermination(caseId: $id, condition: REPEAT_AFTER_RE_REVIEW, statement: $s, idempotencyKey: $k) { id status } }`;
const RETURN = `mutation($id: ID!, $r: String!, $k: String) { returnTermination(applicationId: $id, reasons: $r, idempotencyKey: $k) { id status } }`;
const APPROVE = `mutation($id: ID!, $k: String) { approveTermination(applicationId: $id, idempotencyKey: $k) { id status decisionNumber } }`;
const NOTIFY = `mutation($id: ID!, $at: LocalDate!, $e: String!, $k: String) {
  notifyTermination(caseId: $id, notifiedAt: $at, deliveryMethod: IN_PERSON, explanation: $e, idempotencyKey: $k) { id notifiedAt } }`;
const INSPECTION = `mutation($input: CreateInspectionInput!) { createInspection(input: $input) { id title } }`;
const FINDING = `mutation($input: AddInspectionFindingInput!) { addInspectionFinding(input: $input) { id description } }`;
const ORDER = `mutation($input: IssueRectificationOrderInput!) { issueRectificationOrder(input: $input) { id requirement deadline } }`;
const ACCOUNTABILITY = `mutation($input: RecordAccountabilityInput!) { recordAccountability(input: $input) { id measure } }`;
const FEEDBACK = `mutation($input: RecordPublicFeedbackInput!) { recordPublicFeedback(input: $input) { id status } }`;

const registration = caseInput({ idempotencyKey: 'reg-1' });
const [id2, id3] = [newIdNumber('19750101'), newIdNumber('19750101')];
const step = (kind: string, opinion: string, k: string, deliveredAt: string | null, decidedAt: string) => ({
  input: { caseId: ids.case, kind, opinion, decidedAt, deliveredAt, idempotencyKey: k },
});
const inspection = (title: string) => ({
  input: {
    title,
    scopeUnitCode: 'ZJ-HZ',
    periodFrom: '2026-01-01',
    periodTo: '2026-09-30',
    inspectors: ['郑监督'],
    idempotencyKey: 'insp-1',
  },
});

const CREATE_UNIT = `mutation($input: CreateUnitInput!) { createUnit(input: $input) { id code name } }`;
const unitInput = (name: string) => ({
  input: { code: 'ZJ-HZ-IDEM', name, kind: 'DEPARTMENT', parentCode: 'ZJ-HZ', idempotencyKey: 'unit-1' },
});

const rows: Row[] = [
  {
    name: 'createUnit',
    operation: 'unit.create',
    table: 'unit',
    token: 'admin',
    query: CREATE_UNIT,
    vars: () => unitInput('杭州市幂等测试局'),
    otherVars: () => unitInput('另一名称'),
  },
  {
    name: 'registerCase',
    operation: 'case.register',
    table: 'petition_case',
    token: 'officer',
    query: REGISTER,
    vars: () => ({ input: registration }),
    otherVars: () => ({ input: { ...registration, title: '另一标题' } }),
    keep: (d) => (ids.case = d.registerCase.id),
  },
  {
    name: 'registerCase (another petitioner, same key)',
    operation: 'case.register',
    table: 'petition_case',
    token: 'officer',
    query: REGISTER,
    vars: () => ({ input: caseInput({ idempotencyKey: 'reg-2' }, { idNumber: id2 }) }),
    otherVars: () => ({ input: caseInput({ idempotencyKey: 'reg-2' }, { idNumber: id3 }) }),
    keep: (d) => (ids.case2 = d.registerCase.id),
  },
  {
    name: 'recordStep',
    operation: 'case.recordStep',
    table: 'case_step',
    token: 'officer',
    query: STEP,
    vars: () => step('HANDLING', '责令限期维修', 'step-h', '2026-02-12', '2026-02-10'),
    otherVars: () => step('HANDLING', '另一意见', 'step-h', '2026-02-12', '2026-02-10'),
  },
  {
    name: 'recordRequest',
    operation: 'case.recordRequest',
    token: 'officer',
    query: REQUEST,
    vars: () => ({ id: ids.case, kind: 'REVIEW', at: '2026-02-20', k: 'req-r' }),
    otherVars: () => ({ id: ids.case, kind: 'REVIEW', at: '2026-02-21', k: 'req-r' }),
  },
  {
    name: 'recordDelivery',
    operation: 'case.recordDelivery',
    token: 'officer',
    query: DELIVERY,
    before: async () => {
      ok(await t.gql(STEP, step('REVIEW', '维持', 'step-r', null, '2026-03-10'), tok.officer));
    },
    vars: () => ({ id: ids.case, kind: 'REVIEW', at: '2026-03-12', k: 'del-r' }),
    otherVars: () => ({ id: ids.case, kind: 'REVIEW', at: '2026-03-13', k: 'del-r' }),
  },
  {
    name: 'recordRepeatSubmission',
    operation: 'case.recordRepeatSubmission',
    token: 'officer',
    query: REPEAT,
    before: async () => {
      ok(await t.gql(REQUEST, { id: ids.case, kind: 'RE_REVIEW', at: '2026-03-20' }, tok.officer));
      ok(
        await t.gql(STEP, step('RE_REVIEW', '复核维持', 'step-rr', '2026-04-12', '2026-04-10'), tok.officer),
      );
    },
    vars: () => ({ id: ids.case, at: '2026-05-01', note: '以同一事实和理由再次来访', k: 'rep-1' }),
    otherVars: () => ({ id: ids.case, at: '2026-05-01', note: '另一说明', k: 'rep-1' }),
  },
  {
    name: 'applyForTermination',
    operation: 'termination.apply',
    table: 'termination_application',
    token: 'officer',
    query: APPLY,
    vars: () => ({ id: ids.case, s: '经复核后以同一事实和理由再次提出', k: 'apply-1' }),
    otherVars: () => ({ id: ids.case, s: '另一说明', k: 'apply-1' }),
    keep: (d) => (ids.application = d.applyForTermination.id),
  },
  {
    name: 'returnTermination',
    operation: 'termination.return',
    token: 'reviewer',
    query: RETURN,
    vars: () => ({ id: ids.application, r: '申请材料不全，请补充', k: 'ret-1' }),
    otherVars: () => ({ id: ids.application, r: '另一理由', k: 'ret-1' }),
  },
  {
    name: 'applyForTermination (again after return)',
    operation: 'termination.apply',
    table: 'termination_application',
    token: 'officer',
    query: APPLY,
    vars: () => ({ id: ids.case, s: '已补充材料，再次申请', k: 'apply-2' }),
    otherVars: () => ({ id: ids.case, s: '另一说明', k: 'apply-2' }),
    keep: (d) => (ids.application = d.applyForTermination.id),
  },
  {
    name: 'approveTermination',
    operation: 'termination.approve',
    table: 'decision_number_counter',
    token: 'reviewer',
    query: APPROVE,
    vars: () => ({ id: ids.application, k: 'appr-1' }),
    otherVars: () => ({ id: String(Number(ids.application) + 1000), k: 'appr-1' }),
  },
  {
    name: 'notifyTermination',
    operation: 'termination.notify',
    table: 'termination_archive',
    token: 'officer',
    query: NOTIFY,
    vars: () => ({ id: ids.case, at: '2026-10-15', e: '当面送达终结告知书并解释', k: 'notify-1' }),
    otherVars: () => ({ id: ids.case, at: '2026-10-14', e: '当面送达终结告知书并解释', k: 'notify-1' }),
  },
  {
    name: 'recordGoodReason',
    operation: 'case.recordGoodReason',
    token: 'officer',
    query: GOOD_REASON,
    vars: () => ({ id: ids.case2, r: '因病住院未能按期申请复查', at: '2026-03-01', k: 'good-1' }),
    otherVars: () => ({ id: ids.case2, r: '另一理由', at: '2026-03-01', k: 'good-1' }),
  },
  {
    name: 'extendHandling',
    operation: 'case.extendHandling',
    token: 'officer',
    query: EXTEND,
    vars: () => ({ id: ids.case2, k: 'ext-1' }),
    otherVars: () => ({ id: ids.case, k: 'ext-1' }),
  },
  {
    name: 'createInspection',
    operation: 'supervision.inspection.create',
    table: 'inspection',
    token: 'supervisor',
    query: INSPECTION,
    vars: () => inspection('杭州市信访终结后续管理检查'),
    otherVars: () => inspection('另一检查'),
    keep: (d) => (ids.inspection = d.createInspection.id),
  },
  {
    name: 'addInspectionFinding',
    operation: 'supervision.finding.add',
    table: 'inspection_finding',
    token: 'supervisor',
    query: FINDING,
    vars: () => ({
      input: {
        inspectionId: ids.inspection,
        targetKind: 'CASE',
        targetId: ids.case,
        problem: 'INACCURATE_RECORD',
        description: '告知记录未写明送达方式的依据',
        idempotencyKey: 'find-1',
      },
    }),
    otherVars: () => ({
      input: {
        inspectionId: ids.inspection,
        targetKind: 'CASE',
        targetId: ids.case,
        problem: 'INACCURATE_RECORD',
        description: '另一描述',
        idempotencyKey: 'find-1',
      },
    }),
    keep: (d) => (ids.finding = d.addInspectionFinding.id),
  },
  {
    name: 'issueRectificationOrder',
    operation: 'supervision.rectification.issue',
    table: 'rectification_order',
    token: 'supervisor',
    query: ORDER,
    vars: () => ({
      input: {
        findingId: ids.finding,
        requirement: '补正告知记录',
        deadline: '2026-11-30',
        idempotencyKey: 'order-1',
      },
    }),
    otherVars: () => ({
      input: {
        findingId: ids.finding,
        requirement: '补正告知记录',
        deadline: '2026-12-31',
        idempotencyKey: 'order-1',
      },
    }),
  },
  {
    name: 'recordAccountability',
    operation: 'supervision.accountability.record',
    table: 'accountability_record',
    token: 'supervisor',
    query: ACCOUNTABILITY,
    vars: () => ({
      input: {
        findingId: ids.finding,
        staffName: '张某',
        staffUnitCode: 'ZJ-HZ-ZJ',
        misconduct: 'PERFUNCTORY',
        measure: 'CRITICISM_EDUCATION',
        facts: '告知记录敷衍',
        decidedOn: '2026-10-15',
        idempotencyKey: 'acc-1',
      },
    }),
    otherVars: () => ({
      input: {
        findingId: ids.finding,
        staffName: '张某',
        staffUnitCode: 'ZJ-HZ-ZJ',
        misconduct: 'PERFUNCTORY',
        measure: 'ADMONITION_TALK',
        facts: '告知记录敷衍',
        decidedOn: '2026-10-15',
        idempotencyKey: 'acc-1',
      },
    }),
  },
  {
    name: 'recordPublicFeedback',
    operation: 'feedback.record',
    table: 'public_feedback',
    token: 'supervisor',
    query: FEEDBACK,
    vars: () => ({
      input: {
        receivedOn: '2026-10-14',
        channel: 'LETTER',
        content: '回访流于形式',
        unitCode: 'ZJ-HZ-ZJ',
        idempotencyKey: 'fb-1',
      },
    }),
    otherVars: () => ({
      input: {
        receivedOn: '2026-10-14',
        channel: 'LETTER',
        content: '另一意见',
        unitCode: 'ZJ-HZ-ZJ',
        idempotencyKey: 'fb-1',
      },
    }),
  },
];

const count = async (sql: string, params: unknown[] = []) => (await t.sql(sql, params))[0].n as number;
const audits = (op: string) => count(`select count(*)::int as n from audit_log where operation = $1`, [op]);
const rowsOf = (table: string) => count(`select count(*)::int as n from ${table}`);

describe.each(rows.map((r) => [r.name, r] as const))('%s with an idempotency key', (_name, row) => {
  it('answers a retry with the first answer and writes once; another input with the same key is CONFLICT', async () => {
    await row.before?.();
    const token = tok[row.token];
    const [audit0, rows0] = [await audits(row.operation), row.table ? await rowsOf(row.table) : 0];
    const first = ok(await t.gql(row.query, row.vars(), token));
    row.keep?.(first);
    const again = ok(await t.gql(row.query, row.vars(), token));
    expect(again).toEqual(first);
    expect(await audits(row.operation)).toBe(audit0 + 1);
    if (row.table) expect(await rowsOf(row.table)).toBe(rows0 + 1);
    const other = errorOf(await t.gql(row.query, row.otherVars(), token));
    expect(other.code).toBe('CONFLICT');
    expect(other.message).toMatch(/该幂等键已用于另一项不同的请求/);
    expect(await audits(row.operation)).toBe(audit0 + 1);
    if (row.table) expect(await rowsOf(row.table)).toBe(rows0 + 1);
  });
});

describe('idempotency keys', () => {
  it('belong to a user: another user with the same key writes its own record', async () => {
    const other = await t.token('CASE_OFFICER', 'ZJ-HZ-RS', '孙经办');
    const input = caseInput({ idempotencyKey: 'reg-1' });
    const mine = ok(await t.gql(REGISTER, { input }, other)).registerCase;
    expect(mine.id).not.toBe(ids.case);
  });

  it('store no petitioner in clear and no plain hash of one: the registration hash is keyed', async () => {
    const [row] = await t.sql(
      `select input_hash from idempotency_key where key = 'reg-1' order by created_at limit 1`,
    );
    const { inputHash } = await import('../src/modules/followup/idempotency');
    const { idempotencyKey: _k, ...plain } = registration as typeof registration & { idempotencyKey: string };
    expect(row.input_hash).not.toBe(inputHash('case.register', plain));
    const dump = JSON.stringify(await t.sql(`select * from idempotency_key`));
    expect(dump).not.toContain(registration.petitioner.idNumber);
  });

  it('refuse a malformed key, naming the field', async () => {
    const bad = errorOf(await t.gql(EXTEND, { id: ids.case2, k: 'bad key with spaces' }, tok.officer));
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields).toEqual([
      { field: 'idempotencyKey', message: '幂等键应为1–100个字符，只能包含字母、数字和 _ . : -' },
    ]);
  });
});
