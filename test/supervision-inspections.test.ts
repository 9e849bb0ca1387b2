import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { ARCHIVE, REPORT, TRACK, VISIT, visitInput } from './helpers/followup';
import {
  ADD_FINDING,
  COMPLETE,
  CONCLUDE,
  CREATE_INSPECTION,
  ISSUE,
  VERIFY,
  at,
  castTokens,
} from './helpers/supervision';

/**
 * Inspections (seed §5.1): inspection → finding → rectification order → completion report →
 * verification, with the refusals (wrong role, wrong unit, out of order), each write audited;
 * and accountability (seed §4.2), visible to supervisors and administrators only.
 */
let t: TestHub;
const tok: Record<string, string> = {};
let hzCase: string; // ZJ-HZ-ZJ, terminated 2026-06-01
let wzCase: string; // ZJ-WZ-OH-ZJ: outside an inspection of ZJ-HZ
let visitId: string;
let trackingId: string;
let escalationId: string;
let archiveId: string;

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  Object.assign(tok, await castTokens(t));
  at(t, '2026-06-01');
  hzCase = await terminatedCase(t, tok.officer, tok.reviewer);
  wzCase = await terminatedCase(t, tok.wzOfficer, tok.wzReviewer);
  at(t, '2026-07-10');
  visitId = ok(
    await t.gql(VISIT, { input: visitInput(hzCase, { visitedAt: '2026-07-09T02:00:00Z' }) }, tok.officer),
  ).recordReturnVisit.id;
  trackingId = ok(
    await t.gql(
      TRACK,
      { input: { caseId: hzCase, observedOn: '2026-07-10', riskLevel: 'LOW', situation: '平稳' } },
      tok.officer,
    ),
  ).recordTracking.id;
  escalationId = ok(
    await t.gql(
      REPORT,
      {
        input: {
          caseId: hzCase,
          kind: 'LIKELY_NEW_ISSUE',
          discoveredOn: '2026-07-10',
          description: '可能引发新的问题',
          measuresTaken: '已稳控',
        },
      },
      tok.officer,
    ),
  ).reportEscalation.id;
  archiveId = ok(await t.gql(ARCHIVE, { id: hzCase }, tok.officer)).followUp.archive.id;
  at(t, '2026-08-01');
});
afterAll(() => t?.close());

const inspectionInput = (over: Record<string, unknown> = {}) => ({
  title: '杭州市信访终结后续管理检查',
  scopeUnitCode: 'ZJ-HZ',
  periodFrom: '2026-06-01',
  periodTo: '2026-07-31',
  inspectors: ['郑监督', '卫检查'],
  ...over,
});
const findingInput = (inspectionId: string, over: Record<string, unknown> = {}) => ({
  inspectionId,
  targetKind: 'RETURN_VISIT',
  targetId: visitId,
  problem: 'INACCURATE_RECORD',
  description: `回访记录 ${visitId} 未写明解释说明的依据`,
  ...over,
});
const supervisionAudit = async () =>
  (
    await t.sql(
      `select operation, user_id, case_id, details from audit_log
        where operation like 'supervision.%' order by seq`,
    )
  ).map((r: any) => ({ operation: r.operation, user: r.user_id, caseId: r.case_id, details: r.details }));

describe('inspection → finding → rectification → completion → verification', () => {
  let inspectionId: string;
  let findingId: string;
  let orderId: string;

  it('a supervisor records an inspection of a unit subtree, with period and inspectors', async () => {
    const i = ok(
      await t.gql(CREATE_INSPECTION, { input: inspectionInput() }, tok.supervisor),
    ).createInspection;
    expect(i).toMatchObject({
      status: 'IN_PROGRESS',
      periodFrom: '2026-06-01',
      periodTo: '2026-07-31',
      inspectors: ['郑监督', '卫检查'],
      createdBy: '郑监督',
      scopeUnit: { code: 'ZJ-HZ' },
      organizingUnit: { code: 'ZJ' },
    });
    inspectionId = i.id;
  });

  it('refuses other roles, a scope outside the jurisdiction, and bad input listing every field', async () => {
    for (const k of ['staff', 'officer', 'reviewer', 'admin'])
      expect(errorOf(await t.gql(CREATE_INSPECTION, { input: inspectionInput() }, tok[k])).code).toBe(
        'FORBIDDEN',
      );
    const outside = errorOf(await t.gql(CREATE_INSPECTION, { input: inspectionInput() }, tok.wzSupervisor));
    expect(outside.extensions.fields).toEqual([
      { field: 'scopeUnitCode', message: '检查范围的单位不存在或不在您的管辖范围内' },
    ]);
    const bad = errorOf(
      await t.gql(
        CREATE_INSPECTION,
        {
          input: inspectionInput({
            title: ' ',
            periodFrom: '2026-08-01',
            periodTo: '2026-07-01',
            inspectors: [],
          }),
        },
        tok.supervisor,
      ),
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields.map((f: any) => f.field).sort()).toEqual([
      'inspectors',
      'periodTo',
      'title',
    ]);
  });

  it('records findings against a visit, a tracking record, an archive, an escalation and a case', async () => {
    const f = ok(
      await t.gql(ADD_FINDING, { input: findingInput(inspectionId) }, tok.supervisor),
    ).addInspectionFinding;
    expect(f).toMatchObject({
      targetKind: 'RETURN_VISIT',
      targetId: visitId,
      problem: 'INACCURATE_RECORD',
      recordedBy: '郑监督',
      unit: { code: 'ZJ-HZ-ZJ' },
      case: { id: hzCase },
      inspection: { id: inspectionId },
    });
    findingId = f.id;
    for (const [kind, id] of [
      ['TRACKING_RECORD', trackingId],
      ['ARCHIVE', archiveId],
      ['ESCALATION_REPORT', escalationId],
      ['CASE', hzCase],
    ]) {
      const other = ok(
        await t.gql(
          ADD_FINDING,
          { input: findingInput(inspectionId, { targetKind: kind, targetId: id }) },
          tok.supervisor,
        ),
      ).addInspectionFinding;
      expect(other).toMatchObject({ targetKind: kind, targetId: id, case: { id: hzCase } });
    }
  });

  it('refuses a finding outside the scope, from a supervisor who does not organise it, or out of jurisdiction', async () => {
    const outside = errorOf(
      await t.gql(
        ADD_FINDING,
        { input: findingInput(inspectionId, { targetKind: 'CASE', targetId: wzCase }) },
        tok.supervisor,
      ),
    );
    expect(outside).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(outside.extensions.fields).toEqual([
      { field: 'targetId', message: '对象不存在或不在本次检查范围内' },
    ]);
    const missing = errorOf(
      await t.gql(ADD_FINDING, { input: findingInput(inspectionId, { targetId: '999999' }) }, tok.supervisor),
    );
    expect(missing.code).toBe('BAD_USER_INPUT');
    // ZJ-HZ's supervisor sees the inspection (its unit is the scope) but ZJ organises it.
    expect(
      errorOf(await t.gql(ADD_FINDING, { input: findingInput(inspectionId) }, tok.hzSupervisor)).code,
    ).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(ADD_FINDING, { input: findingInput(inspectionId) }, tok.wzSupervisor)).code,
    ).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(ADD_FINDING, { input: findingInput(inspectionId) }, tok.reviewer)).code).toBe(
      'FORBIDDEN',
    );
  });

  it('issues a rectification order to the unit concerned, with a deadline', async () => {
    const bad = errorOf(
      await t.gql(
        ISSUE,
        { input: { findingId, requirement: ' ', deadline: '2026-07-31', responsibleUnitCode: 'ZJ-WZ' } },
        tok.supervisor,
      ),
    );
    expect(bad.extensions.fields).toEqual([
      { field: 'requirement', message: '整改要求不能为空' },
      { field: 'deadline', message: '整改期限不能早于今天' },
    ]);
    const outside = errorOf(
      await t.gql(
        ISSUE,
        { input: { findingId, requirement: '整改', deadline: '2026-08-31', responsibleUnitCode: 'ZJ-WZ' } },
        tok.supervisor,
      ),
    );
    expect(outside.extensions.fields).toEqual([
      { field: 'responsibleUnitCode', message: '责任单位应在本次检查范围内' },
    ]);
    const o = ok(
      await t.gql(
        ISSUE,
        { input: { findingId, requirement: '补充回访记录的解释说明', deadline: '2026-08-31' } },
        tok.supervisor,
      ),
    ).issueRectificationOrder;
    expect(o).toMatchObject({
      status: 'ISSUED',
      deadline: '2026-08-31',
      issuedOn: '2026-08-01',
      responsibleUnit: { code: 'ZJ-HZ-ZJ' },
      finding: { id: findingId },
      reissueOf: null,
      overdue: false,
    });
    orderId = o.id;
  });

  it("refuses verification before completion, and completion by anyone but the unit's officers", async () => {
    const early = errorOf(
      await t.gql(VERIFY, { input: { orderId, passed: true, opinion: '核查' } }, tok.supervisor),
    );
    expect(early).toMatchObject({ code: 'CONFLICT', message: '责任单位尚未报告整改完成，不能核查' });
    const report = { input: { orderId, report: '已补充', completedOn: '2026-08-01' } };
    expect(errorOf(await t.gql(COMPLETE, report, tok.rsOfficer)).code).toBe('NOT_FOUND'); // another unit
    expect(errorOf(await t.gql(COMPLETE, report, tok.cityOfficer)).code).toBe('FORBIDDEN'); // the unit above
    expect(errorOf(await t.gql(COMPLETE, report, tok.supervisor)).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(COMPLETE, report, tok.wzOfficer)).code).toBe('NOT_FOUND');
  });

  it('the responsible unit reports completion once; the organising supervisors verify once', async () => {
    at(t, '2026-08-05');
    const done = ok(
      await t.gql(
        COMPLETE,
        { input: { orderId, report: '已补充解释说明并经科室负责人审核', completedOn: '2026-08-04' } },
        tok.officer,
      ),
    ).reportRectificationCompletion;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      completedOn: '2026-08-04',
      completedBy: '王经办',
      completedLate: false,
    });
    expect(
      errorOf(
        await t.gql(COMPLETE, { input: { orderId, report: '再次', completedOn: '2026-08-05' } }, tok.officer),
      ),
    ).toMatchObject({ code: 'CONFLICT', message: '已报告整改完成，待检查人员核查，不能重复报告' });
    expect(
      errorOf(await t.gql(VERIFY, { input: { orderId, passed: true, opinion: '通过' } }, tok.hzSupervisor))
        .code,
    ).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(VERIFY, { input: { orderId, passed: true, opinion: '通过' } }, tok.wzSupervisor))
        .code,
    ).toBe('NOT_FOUND');
    const rejected = ok(
      await t.gql(VERIFY, { input: { orderId, passed: false, opinion: '解释说明仍不完整' } }, tok.supervisor),
    ).verifyRectification;
    expect(rejected).toMatchObject({
      status: 'REJECTED',
      verifiedBy: '郑监督',
      verificationOpinion: '解释说明仍不完整',
    });
    expect(
      errorOf(await t.gql(VERIFY, { input: { orderId, passed: true, opinion: '通过' } }, tok.supervisor)),
    ).toMatchObject({
      code: 'CONFLICT',
      message: '该整改通知已核查（可能由其他检查人员处理），不能重复核查',
    });
  });

  it('re-issues a rejected order once, and verifies the re-issued one', async () => {
    const again = ok(
      await t.gql(
        ISSUE,
        {
          input: {
            findingId,
            requirement: '按核查意见再次整改',
            deadline: '2026-08-20',
            reissueOfId: orderId,
          },
        },
        tok.supervisor,
      ),
    ).issueRectificationOrder;
    expect(again).toMatchObject({ status: 'ISSUED', reissueOf: { id: orderId } });
    expect(
      errorOf(
        await t.gql(
          ISSUE,
          { input: { findingId, requirement: '再次', deadline: '2026-08-20', reissueOfId: orderId } },
          tok.supervisor,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', message: '该整改通知已重新下达过，不能重复下达' });
    expect(
      errorOf(
        await t.gql(
          ISSUE,
          { input: { findingId, requirement: '再次', deadline: '2026-08-20', reissueOfId: again.id } },
          tok.supervisor,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', message: '只有核查未通过的整改通知可以重新下达' });
    ok(
      await t.gql(
        COMPLETE,
        { input: { orderId: again.id, report: '已按意见整改', completedOn: '2026-08-05' } },
        tok.officer,
      ),
    );
    const verified = ok(
      await t.gql(
        VERIFY,
        { input: { orderId: again.id, passed: true, opinion: '整改到位' } },
        tok.supervisor,
      ),
    ).verifyRectification;
    expect(verified.status).toBe('VERIFIED');
    expect(
      errorOf(
        await t.gql(
          COMPLETE,
          { input: { orderId: again.id, report: 'x', completedOn: '2026-08-05' } },
          tok.officer,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', message: '该整改通知已核查，不能再报告整改完成' });
  });

  it('shows an order not completed by its deadline as overdue, to inspectors and to the unit', async () => {
    const o = ok(
      await t.gql(
        ISSUE,
        { input: { findingId, requirement: '限期补做跟踪', deadline: '2026-08-10' } },
        tok.supervisor,
      ),
    ).issueRectificationOrder;
    const OVERDUE = `{ overdueRectifications { totalCount nodes { id deadline overdue daysOverdue responsibleUnit { code } } } }`;
    expect(ok(await t.gql(OVERDUE, {}, tok.supervisor)).overdueRectifications.totalCount).toBe(0);
    at(t, '2026-08-11');
    const r = ok(await t.gql(OVERDUE, {}, tok.supervisor)).overdueRectifications;
    expect(r.nodes).toEqual([
      {
        id: o.id,
        deadline: '2026-08-10',
        overdue: true,
        daysOverdue: 1,
        responsibleUnit: { code: 'ZJ-HZ-ZJ' },
      },
    ]);
    expect(ok(await t.gql(OVERDUE, {}, tok.reviewer)).overdueRectifications.totalCount).toBe(1);
    expect(ok(await t.gql(OVERDUE, {}, tok.wzReviewer)).overdueRectifications.totalCount).toBe(0);
    expect(errorOf(await t.gql(OVERDUE, {}, tok.officer)).code).toBe('FORBIDDEN');
    // The unit's officers see their orders (and the finding behind them), not the inspection's other findings.
    const ORDERS = `query($f: RectificationOrderFilterInput) { rectificationOrders(filter: $f) { totalCount
      nodes { id status overdue requirement finding { problem description } inspection { title } } } }`;
    const mine = ok(await t.gql(ORDERS, { f: { overdueOnly: true } }, tok.officer)).rectificationOrders;
    expect(mine.nodes).toEqual([
      expect.objectContaining({
        id: o.id,
        overdue: true,
        inspection: { title: '杭州市信访终结后续管理检查' },
      }),
    ]);
    expect(ok(await t.gql(ORDERS, {}, tok.officer)).rectificationOrders.totalCount).toBe(3);
    expect(ok(await t.gql(ORDERS, {}, tok.rsOfficer)).rectificationOrders.totalCount).toBe(0);
    const findings = await t.gql(
      `{ rectificationOrders { nodes { inspection { findings { id } } } } }`,
      {},
      tok.officer,
    );
    expect(errorOf(findings).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(`{ inspections { totalCount } }`, {}, tok.officer)).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(ORDERS, {}, tok.staff)).code).toBe('FORBIDDEN');
  });

  it('concludes the inspection once; then no new finding or order, but completion and verification go on', async () => {
    const c = ok(
      await t.gql(CONCLUDE, { id: inspectionId, c: '回访记录总体规范，个别记录需整改' }, tok.supervisor),
    ).concludeInspection;
    expect(c).toMatchObject({ status: 'CONCLUDED', concludedBy: '郑监督' });
    expect(errorOf(await t.gql(CONCLUDE, { id: inspectionId, c: '再次' }, tok.supervisor))).toMatchObject({
      code: 'CONFLICT',
      message: '该检查已结束，不能重复结束',
    });
    expect(
      errorOf(await t.gql(ADD_FINDING, { input: findingInput(inspectionId) }, tok.supervisor)),
    ).toMatchObject({
      code: 'CONFLICT',
      message: '该检查已结束，不能再记录问题',
    });
    expect(
      errorOf(
        await t.gql(
          ISSUE,
          { input: { findingId, requirement: '新', deadline: '2026-09-01' } },
          tok.supervisor,
        ),
      ).code,
    ).toBe('CONFLICT');
    expect(errorOf(await t.gql(CONCLUDE, { id: inspectionId, c: '结论' }, tok.hzSupervisor)).code).toBe(
      'FORBIDDEN',
    );
    // The overdue order of the previous step is still put right and verified.
    const [{ id: overdueId }] = await t.sql(
      `select id::text from rectification_order where status = 'ISSUED'`,
    );
    const late = ok(
      await t.gql(
        COMPLETE,
        { input: { orderId: overdueId, report: '已补做跟踪', completedOn: '2026-08-11' } },
        tok.officer,
      ),
    ).reportRectificationCompletion;
    expect(late).toMatchObject({ status: 'COMPLETED', completedLate: true });
    ok(
      await t.gql(VERIFY, { input: { orderId: overdueId, passed: true, opinion: '已整改' } }, tok.supervisor),
    );
  });

  it('lists inspections to supervisors and reviewers within their jurisdiction', async () => {
    const LIST = `query($f: InspectionFilterInput) { inspections(filter: $f) { totalCount nodes { id status findings { id targetKind } } } }`;
    const mine = ok(await t.gql(LIST, {}, tok.supervisor)).inspections;
    expect(mine).toMatchObject({ totalCount: 1, nodes: [{ id: inspectionId, status: 'CONCLUDED' }] });
    expect(mine.nodes[0].findings).toHaveLength(5);
    expect(ok(await t.gql(LIST, {}, tok.reviewer)).inspections.totalCount).toBe(1);
    expect(ok(await t.gql(LIST, {}, tok.wzReviewer)).inspections.totalCount).toBe(0);
    expect(
      ok(await t.gql(LIST, { f: { status: 'IN_PROGRESS' } }, tok.supervisor)).inspections.totalCount,
    ).toBe(0);
    expect(ok(await t.gql(LIST, { f: { from: '2026-08-01' } }, tok.supervisor)).inspections.totalCount).toBe(
      0,
    );
    expect(
      errorOf(
        await t.gql(`query($id: ID!) { inspection(id: $id) { id } }`, { id: inspectionId }, tok.wzSupervisor),
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('audited every write, last in its transaction, with no personal data', async () => {
    const ops = (await supervisionAudit()).map((a) => a.operation);
    expect(ops).toEqual([
      'supervision.inspection.create',
      ...Array(5).fill('supervision.finding.add'),
      'supervision.rectification.issue',
      'supervision.rectification.complete',
      'supervision.rectification.verify',
      'supervision.rectification.issue',
      'supervision.rectification.complete',
      'supervision.rectification.verify',
      'supervision.rectification.issue',
      'supervision.inspection.conclude',
      'supervision.rectification.complete',
      'supervision.rectification.verify',
    ]);
    const audits = await supervisionAudit();
    expect(audits.find((a) => a.operation === 'supervision.rectification.complete')).toMatchObject({
      user: 'dev:case_officer:ZJ-HZ-ZJ',
      caseId: hzCase,
      details: { status: 'COMPLETED', late: false },
    });
    expect(JSON.stringify(audits)).not.toMatch(/俞晓梅|13867142593/);
    const v = ok(await t.gql(`{ verifyAuditChain { ok } }`, {}, tok.supervisor)).verifyAuditChain;
    expect(v.ok).toBe(true);
  });

  it("shows a unit's officers, through the finding, only the orders they may read", async () => {
    // Another unit's order on the same finding, written directly (the inspection is concluded).
    const cols = (
      await t.sql<{ c: string }>(
        `select column_name as c from information_schema.columns
          where table_name = 'rectification_order' and column_name <> 'id' order by ordinal_position`,
      )
    ).map((r) => r.c);
    const values = cols.map((c) =>
      c === 'responsible_unit_id'
        ? `(select id from unit where code = 'ZJ-HZ-RS')`
        : c === 'reissue_of_id'
          ? 'null'
          : c,
    );
    const [{ id: rsOrderId }] = await t.sql<{ id: number }>(
      `insert into rectification_order (${cols.join(', ')}) select ${values.join(', ')}
         from rectification_order where id = $1 returning id`,
      [orderId],
    );
    const VIA = `query($id: ID!) { rectificationOrder(id: $id) { finding { rectificationOrders { responsibleUnit { code } } } } }`;
    const units = async (id: string | number, who: string) =>
      ok(await t.gql(VIA, { id: String(id) }, who)).rectificationOrder.finding.rectificationOrders.map(
        (o: { responsibleUnit: { code: string } }) => o.responsibleUnit.code,
      );
    expect(new Set(await units(orderId, tok.officer))).toEqual(new Set(['ZJ-HZ-ZJ']));
    expect(await units(rsOrderId, tok.rsOfficer)).toEqual(['ZJ-HZ-RS']);
    expect(new Set(await units(orderId, tok.supervisor))).toEqual(new Set(['ZJ-HZ-ZJ', 'ZJ-HZ-RS']));
    expect(errorOf(await t.gql(VIA, { id: String(orderId) }, tok.rsOfficer)).code).toBe('NOT_FOUND');
  });
});

describe('accountability (责任追究)', () => {
  const RECORD = `mutation($input: RecordAccountabilityInput!) { recordAccountability(input: $input) {
    id staffName staffUnit { code } misconduct measure facts decidedOn decisionRef recordedBy finding { id problem } } }`;
  const LIST = `{ accountabilityRecords { totalCount nodes { id staffName misconduct measure } } }`;
  const STATS = `{ accountabilityStatistics { total byMisconduct { misconduct count } byMeasure { measure count } } }`;
  let findingId: string;

  beforeAll(async () => {
    const i = ok(
      await t.gql(CREATE_INSPECTION, { input: inspectionInput({ title: '档案检查' }) }, tok.supervisor),
    ).createInspection;
    findingId = ok(
      await t.gql(
        ADD_FINDING,
        {
          input: {
            inspectionId: i.id,
            targetKind: 'ARCHIVE',
            targetId: archiveId,
            problem: 'INACCURATE_RECORD',
            description: '档案中的告知记录系事后补写',
          },
        },
        tok.supervisor,
      ),
    ).addInspectionFinding.id;
  });

  const input = (over: Record<string, unknown> = {}) => ({
    findingId,
    staffName: '王经办',
    staffUnitCode: 'ZJ-HZ-ZJ',
    misconduct: 'FALSIFICATION',
    measure: 'ADMONITION_TALK',
    facts: '档案中的告知记录系事后补写，与实际送达情况不符',
    decidedOn: '2026-08-11',
    decisionRef: '浙信督〔2026〕3号',
    ...over,
  });

  it("offers exactly the seed's misconduct and measures", async () => {
    const values = async (name: string) =>
      ok(
        await t.gql(
          `query($n: String!) { __type(name: $n) { enumValues { name description } } }`,
          { n: name },
          tok.supervisor,
        ),
      ).__type.enumValues.map((v: any) => v.description);
    expect(await values('Misconduct')).toEqual(['敷衍塞责', '推诿扯皮', '弄虚作假', '泄露个人信息']);
    expect(await values('AccountabilityMeasure')).toEqual([
      '批评教育',
      '责令书面检查',
      '通报批评',
      '诫勉谈话',
      '党纪政纪处分',
      '移送司法机关',
    ]);
  });

  it('is recorded by the organising supervisors, tied to a finding, and audited', async () => {
    const r = ok(await t.gql(RECORD, { input: input() }, tok.supervisor)).recordAccountability;
    expect(r).toMatchObject({
      staffName: '王经办',
      staffUnit: { code: 'ZJ-HZ-ZJ' },
      misconduct: 'FALSIFICATION',
      measure: 'ADMONITION_TALK',
      recordedBy: '郑监督',
      finding: { id: findingId, problem: 'INACCURATE_RECORD' },
    });
    ok(
      await t.gql(
        RECORD,
        { input: input({ misconduct: 'PERFUNCTORY', measure: 'CRITICISM_EDUCATION' }) },
        tok.supervisor,
      ),
    );
    for (const k of ['reviewer', 'officer', 'staff', 'admin'])
      expect(errorOf(await t.gql(RECORD, { input: input() }, tok[k])).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(RECORD, { input: input() }, tok.hzSupervisor)).code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(RECORD, { input: input() }, tok.wzSupervisor)).code).toBe('BAD_USER_INPUT'); // staff unit outside
    const bad = errorOf(
      await t.gql(
        RECORD,
        { input: input({ staffName: '', facts: '', decidedOn: '2027-01-01', staffUnitCode: 'NOPE' }) },
        tok.supervisor,
      ),
    );
    expect(bad.extensions.fields.map((f: any) => f.field).sort()).toEqual([
      'decidedOn',
      'facts',
      'staffName',
      'staffUnitCode',
    ]);
    const [audit] = await t.sql(
      `select details from audit_log where operation = 'supervision.accountability.record' order by seq limit 1`,
    );
    expect(audit.details).toMatchObject({
      findingId: Number(findingId),
      misconduct: 'FALSIFICATION',
      staffUnitCode: 'ZJ-HZ-ZJ',
    });
    expect(JSON.stringify(audit.details)).not.toContain('王经办');
  });

  it('is visible to supervisors and administrators only, records and counts alike', async () => {
    for (const k of ['supervisor', 'admin']) {
      expect(ok(await t.gql(LIST, {}, tok[k])).accountabilityRecords.totalCount).toBe(2);
      const s = ok(await t.gql(STATS, {}, tok[k])).accountabilityStatistics;
      expect(s.total).toBe(2);
      expect(s.byMisconduct).toContainEqual({ misconduct: 'FALSIFICATION', count: 1 });
      expect(s.byMisconduct).toContainEqual({ misconduct: 'PERSONAL_DATA_LEAK', count: 0 });
      expect(s.byMeasure).toContainEqual({ measure: 'ADMONITION_TALK', count: 1 });
    }
    for (const k of ['reviewer', 'wzReviewer', 'officer', 'staff']) {
      expect(errorOf(await t.gql(LIST, {}, tok[k])).code).toBe('FORBIDDEN');
      expect(errorOf(await t.gql(STATS, {}, tok[k])).code).toBe('FORBIDDEN');
    }
    // Through the finding: the reviewer reads the finding, but not the records nor their number.
    const VIA = `query($id: ID!) { inspection(id: $id) { findings { id description accountabilityRecords { id } } } }`;
    const [{ inspection_id: inspectionId }] = await t.sql(
      'select inspection_id from inspection_finding where id = $1',
      [findingId],
    );
    const asReviewer = await t.gql(VIA, { id: String(inspectionId) }, tok.reviewer);
    expect(errorOf(asReviewer)).toMatchObject({ code: 'FORBIDDEN' });
    expect(asReviewer.data!.inspection.findings[0]).toEqual({
      id: findingId,
      description: '档案中的告知记录系事后补写',
      accountabilityRecords: null,
    });
    const asSupervisor = ok(await t.gql(VIA, { id: String(inspectionId) }, tok.supervisor));
    expect(asSupervisor.inspection.findings[0].accountabilityRecords).toHaveLength(2);
    // A supervisor elsewhere sees none of them.
    expect(ok(await t.gql(LIST, {}, tok.wzSupervisor)).accountabilityRecords.totalCount).toBe(0);
    expect(ok(await t.gql(STATS, {}, tok.wzSupervisor)).accountabilityStatistics.total).toBe(0);
  });

  it('through a finding, shows a supervisor only the records for staff in their jurisdiction, as the list does', async () => {
    // A record for staff of the provincial bureau on the same finding, written directly.
    const cols = (
      await t.sql<{ c: string }>(
        `select column_name as c from information_schema.columns
          where table_name = 'accountability_record' and column_name <> 'id' order by ordinal_position`,
      )
    ).map((r) => r.c);
    const values = cols.map((c) => (c === 'staff_unit_id' ? `(select id from unit where code = 'ZJ')` : c));
    await t.sql(
      `insert into accountability_record (${cols.join(', ')}) select ${values.join(', ')}
         from accountability_record where finding_id = $1 limit 1`,
      [findingId],
    );
    const [{ inspection_id: inspectionId }] = await t.sql(
      'select inspection_id from inspection_finding where id = $1',
      [findingId],
    );
    const VIA = `query($id: ID!) { inspection(id: $id) { findings { id accountabilityRecords { id } } } }`;
    const records = async (who: string) =>
      ok(await t.gql(VIA, { id: String(inspectionId) }, who)).inspection.findings.find(
        (f: { id: string }) => f.id === findingId,
      ).accountabilityRecords.length;
    expect(await records(tok.supervisor)).toBe(3);
    expect(await records(tok.hzSupervisor)).toBe(2);
    expect(ok(await t.gql(LIST, {}, tok.hzSupervisor)).accountabilityRecords.totalCount).toBe(2);
  });

  it('cannot be changed or deleted, even in the database', async () => {
    await expect(t.sql(`update accountability_record set measure = 'CRITICISM_EDUCATION'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.sql(`delete from accountability_record`)).rejects.toThrow(/append-only/);
  });
});
