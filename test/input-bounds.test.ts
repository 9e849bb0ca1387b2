import { startTestHub, ok, errorOf, type GqlResult, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { TRACK } from './helpers/followup';
import { LIST_MAX, MAX_DOCUMENT_TOKENS, MAX_VARIABLES, TEXT_MAX } from '../src/graphql/input-rules';

/**
 * The edge rule for what a caller may send (src/graphql/input-rules.ts): sizes refused before any
 * per-item work, text without control characters and within its cap, IDs and dates PostgreSQL
 * accepts; each refusal BAD_USER_INPUT naming the field, never an internal error.
 */
let t: TestHub;
let staff: string;
let officer: string;
let supervisor: string;
let reviewer: string;
let caseId: string;
beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
  supervisor = await t.token('SUPERVISOR', 'ZJ');
  reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ');
  caseId = await terminatedCase(t, officer, reviewer);
});
afterAll(() => t.close());

const refusal = (r: GqlResult) => {
  expect(r.errors).toHaveLength(1);
  const e = errorOf(r);
  expect(e.code).toBe('BAD_USER_INPUT');
  return { status: r.status, message: e.message, fields: e.extensions.fields?.map((f: any) => f.field) };
};

describe('sizes, before GraphQL coerces anything', () => {
  it('refuses 50,000 invalid enum values at once, with one error, even for a role that may not call the field', async () => {
    const q = 'query($s: [EscalationStatus!]) { escalationInbox(statuses: $s) { totalCount } }';
    t.queries.length = 0;
    const r = refusal(await t.gql(q, { s: Array(50_000).fill('NOPE') }, staff));
    expect(r).toEqual({
      status: 400,
      message: `输入有误：$s：列表最多 ${LIST_MAX.statuses} 项（收到 50000 项）`,
      fields: ['$s'],
    });
    // Nothing but the token's unit (looked up when the request's context is made) was read.
    expect(t.queries.filter((q) => !q.includes('from "unit"'))).toEqual([]);
  });

  it('refuses 20,000 nulls in a [String!]! input field, naming it', async () => {
    const q = 'mutation($i: CreateInspectionInput!) { createInspection(input: $i) { id } }';
    const input = {
      title: '检查',
      scopeUnitCode: 'ZJ',
      periodFrom: '2026-01-01',
      periodTo: '2026-02-01',
      inspectors: Array(20_000).fill(null),
    };
    expect(refusal(await t.gql(q, { i: input }, supervisor)).fields).toEqual(['$i.inspectors']);
  });

  it('caps a literal list in the document too', async () => {
    const values = Array(LIST_MAX.statuses + 1)
      .fill('REPORTED')
      .join(', ');
    const r = refusal(await t.gql(`{ escalationInbox(statuses: [${values}]) { totalCount } }`, {}, reviewer));
    expect(r.fields).toEqual(['statuses']);
  });

  it('refuses a document of more than MAX_DOCUMENT_TOKENS tokens at parsing (a 50,000-item literal list)', async () => {
    const values = Array(50_000).fill('NOPE').join(',');
    const r = await t.gql(`{ escalationInbox(statuses: [${values}]) { totalCount } }`, {}, reviewer);
    expect(r.status).toBe(400);
    expect(r.errors).toHaveLength(1);
    expect(errorOf(r).code).toBe('GRAPHQL_PARSE_FAILED');
    expect(errorOf(r).message).toContain(`${MAX_DOCUMENT_TOKENS} tokens`);
  });

  it('refuses more variables than MAX_VARIABLES', async () => {
    const vars = Object.fromEntries(Array.from({ length: MAX_VARIABLES + 1 }, (_, i) => [`v${i}`, 1]));
    expect(refusal(await t.gql('{ me { userId } }', vars, staff)).fields).toEqual(['variables']);
  });

  it('answers a list within its cap as before', async () => {
    const q = 'query($s: [EscalationStatus!]) { escalationInbox(statuses: $s) { totalCount } }';
    expect(ok(await t.gql(q, { s: ['REPORTED', 'RESOLVED'] }, reviewer)).escalationInbox.totalCount).toBe(0);
  });
});

describe('text, IDs and dates, checked once for every argument and input field', () => {
  it('refuses a NUL or another control character, naming the field, nested ones included', async () => {
    expect(refusal(await t.gql('{ unit(code: "ZJ\\u0000") { name } }', {}, staff))).toMatchObject({
      message: 'code：不能包含控制字符（如 NUL；换行和制表符除外）'.replace(/^/, '输入有误：'),
      fields: ['code'],
    });
    const reg = `mutation($i: RegisterCaseInput!) { registerCase(input: $i) { id } }`;
    const input = {
      petitioner: { name: '俞\u0000晓梅', idNumber: '330106197903159461' },
      category: 'URBAN_CONSTRUCTION_HOUSING',
      title: '标题\u001b[31m',
      factsAndReasons: '第一行\n第二行\t制表\r\n第三行',
      requests: '诉求',
      acceptedAt: '2026-01-05',
      acceptanceOpinion: '受理',
    };
    expect(refusal(await t.gql(reg, { i: input }, officer)).fields.sort()).toEqual([
      'input.petitioner.name',
      'input.title',
    ]);
    // Newlines and tabs are text.
    const fine = { ...input, petitioner: { ...input.petitioner, name: '俞晓梅' }, title: '标题' };
    expect(ok(await t.gql(reg, { i: fine }, officer)).registerCase.id).toBeTruthy();
  });

  it('caps every text argument, and codes and keys shorter', async () => {
    const long = 'x'.repeat(TEXT_MAX + 1);
    const q = 'query($c: String!) { terminatedCases(filter: { text: $c }) { totalCount } }';
    const r = await t.gql(q, { c: long }, staff);
    expect(errorOf(r).code).toBe('BAD_USER_INPUT');
    expect(errorOf(r).message).toContain(`不超过 ${TEXT_MAX} 个字符`);
    expect(
      refusal(await t.gql('query($c: String!) { unit(code: $c) { name } }', { c: 'Z'.repeat(201) }, staff))
        .fields,
    ).toEqual(['code']);
  });

  it('refuses an ID that is no positive 32-bit integer, before PostgreSQL sees it', async () => {
    for (const id of ['abc', '0', '-1', '2147483648', '1e3', ' 1']) {
      const r = refusal(
        await t.gql('query($id: ID!) { followUp(caseId: $id) { case { id } } }', { id }, officer),
      );
      expect(r.fields).toEqual(['caseId']);
    }
    expect(
      ok(await t.gql('query($id: ID!) { followUp(caseId: $id) { case { id } } }', { id: caseId }, officer))
        .followUp.case.id,
    ).toBe(caseId);
  });

  it('refuses a date-time in year 0 or beyond 2999, and a day in year 0, naming the field', async () => {
    const q = 'query($f: DateTimeISO) { auditLog(filter: { from: $f }) { totalCount } }';
    expect(refusal(await t.gql(q, { f: '0000-01-01T00:00:00Z' }, supervisor)).fields).toEqual([
      'filter.from',
    ]);
    expect(refusal(await t.gql(q, { f: '9999-12-31T23:59:59Z' }, supervisor)).fields).toEqual([
      'filter.from',
    ]);
    const day = 'query($f: LocalDate) { followUpStatistics(from: $f) { terminatedCases } }';
    expect(refusal(await t.gql(day, { f: '0000-01-01' }, supervisor)).fields).toEqual(['$f']);
  });

  it('refuses a day that is no real YYYY-MM-DD (LocalDate) in Chinese, naming each bad variable or field at once', async () => {
    const day =
      'query($f: LocalDate, $t: LocalDate) { followUpStatistics(from: $f, to: $t) { terminatedCases } }';
    for (const f of ['2026-02-30', '2026/01/01', '', '2026-1-5', '2026-01-05T00:00:00Z', 20260105]) {
      expect(refusal(await t.gql(day, { f }, supervisor))).toEqual({
        status: 400,
        message: '输入有误：$f：日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）',
        fields: ['$f'],
      });
    }
    // Every bad day in the variables, nested input fields included, in one refusal.
    expect(refusal(await t.gql(day, { f: '2026-02-30', t: '2026-13-01' }, supervisor)).fields).toEqual([
      '$f',
      '$t',
    ]);
    const reg = 'mutation($i: RegisterCaseInput!) { registerCase(input: $i) { id } }';
    const input = {
      petitioner: { name: '俞晓梅', idNumber: '330106197903159461' },
      category: 'URBAN_CONSTRUCTION_HOUSING',
      title: '标题',
      factsAndReasons: '事实',
      requests: '诉求',
      acceptedAt: '2026-02-30',
      acceptanceDeliveredAt: '2026/01/01',
      acceptanceOpinion: '受理',
    };
    expect(refusal(await t.gql(reg, { i: input }, officer)).fields).toEqual([
      '$i.acceptedAt',
      '$i.acceptanceDeliveredAt',
    ]);
    // A literal in the document is named by its argument or input field.
    expect(
      refusal(await t.gql('{ followUpStatistics(from: "2026-02-30") { terminatedCases } }', {}, supervisor)),
    ).toEqual({
      status: 400,
      message: '输入有误：from：日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）',
      fields: ['from'],
    });
    const literal = await t.gql(
      '{ terminatedCases(filter: { terminatedFrom: "2026/01/01", terminatedTo: 20260101 }) { totalCount } }',
      {},
      staff,
    );
    expect(literal.errors?.map((e) => [e.extensions?.code, e.extensions?.fields])).toEqual([
      [
        'BAD_USER_INPUT',
        [{ field: 'filter.terminatedFrom', message: '日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）' }],
      ],
      [
        'BAD_USER_INPUT',
        [{ field: 'filter.terminatedTo', message: '日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）' }],
      ],
    ]);
    // A real day is answered, and output days are YYYY-MM-DD strings.
    expect(
      ok(await t.gql(day, { f: '2026-01-01', t: '2026-12-31' }, supervisor)).followUpStatistics,
    ).toBeTruthy();
  });

  it("answers a follow-up list's most recent `last` records (default 20), and refuses `last` outside 1–500", async () => {
    const today = new Date(t.clock.now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const input = { caseId, observedOn: today, riskLevel: 'LOW', situation: `第 ${i} 次跟踪` };
      ids.push(ok(await t.gql(TRACK, { input }, officer)).recordTracking.id);
    }
    const all =
      'query($id: ID!) { followUp(caseId: $id) { trackingRecords { id } all: trackingRecords(last: 500) { id } } }';
    const f = ok(await t.gql(all, { id: caseId }, officer)).followUp;
    expect(f.all.map((r: any) => r.id)).toEqual(ids);
    expect(f.trackingRecords.map((r: any) => r.id)).toEqual(ids.slice(-20));
    const q = 'query($id: ID!, $n: Int!) { followUp(caseId: $id) { trackingRecords(last: $n) { id } } }';
    for (const n of [0, 501])
      expect(refusal(await t.gql(q, { id: caseId, n }, officer)).fields).toEqual(['last']);
    expect(ok(await t.gql(q, { id: caseId, n: 1 }, officer)).followUp.trackingRecords).toEqual([
      { id: ids[24] },
    ]);
  });
});
