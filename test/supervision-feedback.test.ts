import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, terminatedCase } from './helpers/fixtures';
import {
  ANSWER_FEEDBACK,
  ASSIGN_FEEDBACK,
  CLOSE_FEEDBACK,
  RECORD_FEEDBACK,
  at,
  castTokens,
} from './helpers/supervision';

/**
 * Public feedback about the follow-up work (seed §5.2): RECEIVED → ASSIGNED → ANSWERED → CLOSED, the
 * refusals of out-of-order transitions, wrong roles and units, and the submitter's personal data:
 * sealed at rest, masked for every reader but the officers who reply, each clear read audited.
 */
let t: TestHub;
const tok: Record<string, string> = {};
let caseId: string;
let openCaseId: string;
const SUBMITTER = { name: '林晓燕', phone: '13912345678' };

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  Object.assign(tok, await castTokens(t));
  at(t, '2026-06-01');
  caseId = await terminatedCase(t, tok.officer, tok.reviewer);
  openCaseId = ok(await t.gql(REGISTER, { input: caseInput() }, tok.officer)).registerCase.id;
  at(t, '2026-08-03');
});
afterAll(() => t?.close());

const input = (over: Record<string, unknown> = {}) => ({
  receivedOn: '2026-08-02',
  channel: 'LETTER',
  sourceRef: '12345-20260802-0017',
  submitterName: SUBMITTER.name,
  submitterPhone: SUBMITTER.phone,
  content: '终结后三个月无人回访，反映的维修问题也没有进展',
  caseId,
  ...over,
});
const READ = `query($id: ID!) { publicFeedback(id: $id) { id status clear submitterName submitterPhone content } }`;

describe('public feedback: RECEIVED → ASSIGNED → ANSWERED → CLOSED', () => {
  let id: string;

  it('is recorded by a supervisor or reviewer, with the submitter sealed and shown masked', async () => {
    const f = ok(await t.gql(RECORD_FEEDBACK, { input: input() }, tok.supervisor)).recordPublicFeedback;
    expect(f).toMatchObject({
      status: 'RECEIVED',
      receivedOn: '2026-08-02',
      channel: 'LETTER',
      clear: false,
      submitterName: '林**',
      submitterPhone: '139****5678',
      concernedUnit: { code: 'ZJ-HZ-ZJ' }, // the case's handling unit
      case: { id: caseId },
    });
    id = f.id;
    const [row] = await t.sql('select * from public_feedback where id = $1', [id]);
    expect(JSON.stringify(row)).not.toContain(SUBMITTER.name);
    expect(JSON.stringify(row)).not.toContain(SUBMITTER.phone);
    expect(row.submitter_name_enc).toMatch(/^v1\./);
    // Anonymous feedback about a unit.
    const anon = ok(
      await t.gql(
        RECORD_FEEDBACK,
        { input: input({ submitterName: null, submitterPhone: null, caseId: null, unitCode: 'ZJ-HZ-RS' }) },
        tok.reviewer,
      ),
    ).recordPublicFeedback;
    expect(anon).toMatchObject({
      submitterName: null,
      submitterPhone: null,
      concernedUnit: { code: 'ZJ-HZ-RS' },
    });
  });

  it('refuses other roles, and bad input listing every field', async () => {
    for (const k of ['officer', 'staff', 'admin'])
      expect(errorOf(await t.gql(RECORD_FEEDBACK, { input: input() }, tok[k])).code).toBe('FORBIDDEN');
    const bad = errorOf(
      await t.gql(
        RECORD_FEEDBACK,
        { input: input({ receivedOn: '2026-09-01', submitterPhone: '12345', caseId: null, content: '' }) },
        tok.supervisor,
      ),
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields.map((f: any) => f.field).sort()).toEqual([
      'content',
      'receivedOn',
      'submitterPhone',
      'unitCode',
    ]);
    expect(JSON.stringify(bad)).not.toContain('12345'); // the bad phone is not echoed back
    const notTerminated = errorOf(
      await t.gql(RECORD_FEEDBACK, { input: input({ caseId: openCaseId }) }, tok.supervisor),
    );
    expect(notTerminated.extensions.fields).toEqual([
      { field: 'caseId', message: '事项不存在、尚未终结或不在您的管辖范围内' },
    ]);
    expect(
      errorOf(await t.gql(RECORD_FEEDBACK, { input: input() }, tok.wzCityReviewer)).extensions.fields,
    ).toEqual([{ field: 'caseId', message: '事项不存在、尚未终结或不在您的管辖范围内' }]);
  });

  it('refuses to close what is not answered, and answers by officers it is not assigned to', async () => {
    expect(errorOf(await t.gql(CLOSE_FEEDBACK, { id }, tok.supervisor))).toMatchObject({
      code: 'CONFLICT',
      message: '该意见尚未答复，不能办结',
    });
    // Not yet assigned: no officer reaches it at all.
    expect(errorOf(await t.gql(ANSWER_FEEDBACK, { id, a: '答复' }, tok.officer)).code).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(READ, { id }, tok.officer)).code).toBe('NOT_FOUND');
  });

  it('is assigned by the recording agency (or above) to a unit, and re-assigned before the answer', async () => {
    expect(errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-ZJ' }, tok.reviewer))).toMatchObject({
      code: 'FORBIDDEN',
      message: '只有登记该意见的单位（或其上级）可以交办',
    });
    // Another city's reviewer, assigning to one of its own units: the feedback is not there for it.
    expect(errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-WZ-MZ' }, tok.wzCityReviewer)).code).toBe(
      'NOT_FOUND',
    );
    expect(errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-ZJ' }, tok.officer)).code).toBe(
      'FORBIDDEN',
    );
    expect(
      errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'NOPE' }, tok.supervisor)).extensions.fields,
    ).toEqual([{ field: 'unitCode', message: '承办单位不存在或不在您的管辖范围内' }]);
    const first = ok(
      await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-RS' }, tok.supervisor),
    ).assignPublicFeedback;
    expect(first).toMatchObject({
      status: 'ASSIGNED',
      assignedUnit: { code: 'ZJ-HZ-RS' },
      assignedBy: '郑监督',
    });
    const again = ok(
      await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-ZJ', note: '属住建局回访工作' }, tok.supervisor),
    ).assignPublicFeedback;
    expect(again).toMatchObject({ status: 'ASSIGNED', assignedUnit: { code: 'ZJ-HZ-ZJ' } });
    // The unit it was taken from no longer reaches it; the unit above sees it but does not answer.
    expect(errorOf(await t.gql(ANSWER_FEEDBACK, { id, a: '答复' }, tok.rsOfficer)).code).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(ANSWER_FEEDBACK, { id, a: '答复' }, tok.cityOfficer))).toMatchObject({
      code: 'FORBIDDEN',
      message: '只有承办单位的经办人员可以答复',
    });
  });

  it('shows the submitter in clear to the officers who reply (audited), masked to everyone else', async () => {
    const before = await t.sql(
      `select count(*)::int as n from audit_log where operation = 'feedback.read.clear'`,
    );
    for (const k of ['officer', 'cityOfficer']) {
      const f = ok(await t.gql(READ, { id }, tok[k])).publicFeedback;
      expect({ k, ...f }).toMatchObject({
        k,
        clear: true,
        submitterName: SUBMITTER.name,
        submitterPhone: SUBMITTER.phone,
      });
    }
    for (const k of ['supervisor', 'reviewer']) {
      const f = ok(await t.gql(READ, { id }, tok[k])).publicFeedback;
      expect({ k, ...f }).toMatchObject({
        k,
        clear: false,
        submitterName: '林**',
        submitterPhone: '139****5678',
      });
    }
    for (const k of ['staff', 'admin'])
      expect(errorOf(await t.gql(READ, { id }, tok[k])).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(READ, { id }, tok.rsOfficer)).code).toBe('NOT_FOUND');
    const reads = await t.sql(
      `select user_id, fields, details from audit_log where operation = 'feedback.read.clear' order by seq`,
    );
    expect(reads.length - before[0].n).toBe(2); // one entry per reader and feedback, both fields in it
    expect(reads.slice(-2).map((r: any) => [r.user_id, [...r.fields].sort(), r.details])).toEqual([
      ['dev:case_officer:ZJ-HZ-ZJ', ['submitterName', 'submitterPhone'], { feedbackId: Number(id) }],
      ['dev:case_officer:ZJ-HZ', ['submitterName', 'submitterPhone'], { feedbackId: Number(id) }],
    ]);
  });

  it('is answered once by the assigned unit, then closed once by the recording agency', async () => {
    const a = ok(
      await t.gql(ANSWER_FEEDBACK, { id, a: '已于8月5日上门回访并答复维修进展' }, tok.officer),
    ).answerPublicFeedback;
    expect(a).toMatchObject({ status: 'ANSWERED', answeredBy: '王经办' });
    expect(errorOf(await t.gql(ANSWER_FEEDBACK, { id, a: '再答' }, tok.officer))).toMatchObject({
      code: 'CONFLICT',
      message: '该意见已答复，不能重复答复',
    });
    expect(errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-RS' }, tok.supervisor))).toMatchObject({
      code: 'CONFLICT',
      message: '该意见已答复，不能再交办',
    });
    expect(errorOf(await t.gql(CLOSE_FEEDBACK, { id }, tok.reviewer)).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(CLOSE_FEEDBACK, { id }, tok.officer)).code).toBe('FORBIDDEN');
    const c = ok(
      await t.gql(CLOSE_FEEDBACK, { id, s: 'BASICALLY_SATISFIED', note: '电话回访反馈人' }, tok.supervisor),
    ).closePublicFeedback;
    expect(c).toMatchObject({ status: 'CLOSED', satisfaction: 'BASICALLY_SATISFIED', closedBy: '郑监督' });
    expect(errorOf(await t.gql(CLOSE_FEEDBACK, { id }, tok.supervisor))).toMatchObject({
      code: 'CONFLICT',
      message: '该意见已办结，不能重复办结',
    });
    expect(errorOf(await t.gql(ASSIGN_FEEDBACK, { id, unit: 'ZJ-HZ-ZJ' }, tok.supervisor)).code).toBe(
      'CONFLICT',
    );
  });

  it('lists feedback by jurisdiction and status; every write is audited without personal data', async () => {
    const LIST = `query($f: PublicFeedbackFilterInput) { publicFeedbackList(filter: $f) { totalCount nodes { id status } } }`;
    expect(ok(await t.gql(LIST, {}, tok.supervisor)).publicFeedbackList.totalCount).toBe(2);
    expect(
      ok(await t.gql(LIST, { f: { status: 'CLOSED' } }, tok.supervisor)).publicFeedbackList.nodes,
    ).toEqual([{ id, status: 'CLOSED' }]);
    expect(ok(await t.gql(LIST, {}, tok.reviewer)).publicFeedbackList.totalCount).toBe(2);
    expect(ok(await t.gql(LIST, {}, tok.wzCityReviewer)).publicFeedbackList.totalCount).toBe(0);
    expect(ok(await t.gql(LIST, {}, tok.officer)).publicFeedbackList.nodes).toEqual([
      { id, status: 'CLOSED' },
    ]);
    expect(ok(await t.gql(LIST, {}, tok.rsOfficer)).publicFeedbackList.totalCount).toBe(0);
    expect(
      ok(await t.gql(LIST, { f: { from: '2026-08-03' } }, tok.supervisor)).publicFeedbackList.totalCount,
    ).toBe(0);
    expect(errorOf(await t.gql(LIST, {}, tok.staff)).code).toBe('FORBIDDEN');
    const audit = await t.sql(
      `select operation, details from audit_log where operation like 'feedback.%' and operation <> 'feedback.read.clear' order by seq`,
    );
    expect(
      audit
        .filter((a: any) => a.details.feedbackId === Number(id))
        .map((a: any) => [a.operation, a.details.status]),
    ).toEqual([
      ['feedback.record', 'RECEIVED'],
      ['feedback.assign', 'ASSIGNED'],
      ['feedback.assign', 'ASSIGNED'],
      ['feedback.answer', 'ANSWERED'],
      ['feedback.close', 'CLOSED'],
    ]);
    const all = JSON.stringify(await t.sql(`select * from audit_log`));
    expect(all).not.toContain(SUBMITTER.name);
    expect(all).not.toContain(SUBMITTER.phone);
  });
});
