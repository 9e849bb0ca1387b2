import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { SCHEDULE, TRACK, VISIT, visitInput } from './helpers/followup';

let t: TestHub;
let officer: string;
let reviewer: string;
let caseId: string; // terminated 2026-06-01

const at = (iso: string) => (t.clock.now = new Date(iso));

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  at('2026-06-01T04:00:00Z');
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
  caseId = await terminatedCase(t, officer, reviewer);
});
afterAll(() => t.close());

const OVERDUE = `query($unit: String) { overdueReturnVisits(unitCode: $unit) { totalCount
  nodes { case { id } oldestDueDate overdue { index dueDate } } } }`;

describe('return-visit schedule (policy 30 / 90 days / 12 months) with the clock', () => {
  it('gives the due dates, the next due visit and nothing overdue right after termination', async () => {
    at('2026-06-10T04:00:00Z');
    const s = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(s.policy).toEqual({ firstDays: 30, intervalDays: 90, periodMonths: 12 });
    expect(s.periodEnd).toBe('2027-06-01');
    expect(s.slots.map((x: any) => x.dueDate)).toEqual([
      '2026-07-01',
      '2026-09-29',
      '2026-12-28',
      '2027-03-28',
    ]);
    expect(s.slots.every((x: any) => x.status === 'PENDING')).toBe(true);
    expect(s.nextDue).toBe('2026-07-01');
    expect(s.overdue).toEqual([]);
  });

  it('a slot becomes overdue the day after its due date, and shows in overdueReturnVisits', async () => {
    at('2026-07-01T15:00:00Z'); // 2026-07-01 23:00 in China: still due today
    expect(ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule.overdue).toEqual([]);
    at('2026-07-01T16:30:00Z'); // 2026-07-02 00:30 in China
    const s = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(s.overdue).toEqual([{ index: 1, dueDate: '2026-07-01' }]);
    expect(s.nextDue).toBe('2026-07-01');
    for (const token of [officer, reviewer, await t.token('SUPERVISOR', 'ZJ')]) {
      const o = ok(await t.gql(OVERDUE, {}, token)).overdueReturnVisits;
      expect(o.nodes).toEqual([
        { case: { id: caseId }, oldestDueDate: '2026-07-01', overdue: [{ index: 1, dueDate: '2026-07-01' }] },
      ]);
    }
    // Other jurisdictions see nothing; a unit filter outside the reader's own yields nothing.
    const wz = await t.token('AGENCY_REVIEWER', 'ZJ-WZ');
    expect(ok(await t.gql(OVERDUE, {}, wz)).overdueReturnVisits.totalCount).toBe(0);
    expect(ok(await t.gql(OVERDUE, { unit: 'ZJ-HZ' }, wz)).overdueReturnVisits.totalCount).toBe(0);
    expect(errorOf(await t.gql(OVERDUE, {}, await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-ZJ'))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('a late visit completes the overdue slot as late; extra visits in one window fill no later slot', async () => {
    at('2026-07-03T04:00:00Z');
    const v = ok(
      await t.gql(VISIT, { input: visitInput(caseId, { visitedAt: '2026-07-02T06:00:00Z' }) }, officer),
    ).recordReturnVisit;
    expect(v).toMatchObject({
      visitedOn: '2026-07-02',
      method: 'HOME_VISIT',
      officer: '王经办',
      recordedBy: '王经办',
      opinions: '对终结决定表示理解，但希望开发商尽快完成维修',
      clear: true,
    });
    let s = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(s.slots[0]).toMatchObject({ status: 'COMPLETED_LATE', visitedOn: '2026-07-02' });
    expect(s.nextDue).toBe('2026-09-29');
    expect(s.overdue).toEqual([]);
    expect(ok(await t.gql(OVERDUE, {}, officer)).overdueReturnVisits.totalCount).toBe(0);

    // 07-03 falls in the second slot's window (after 07-01): it completes that slot; 07-04 is extra.
    at('2026-07-05T04:00:00Z');
    ok(
      await t.gql(
        VISIT,
        { input: visitInput(caseId, { visitedAt: '2026-07-03T01:00:00Z', method: 'PHONE' }) },
        officer,
      ),
    );
    ok(
      await t.gql(
        VISIT,
        { input: visitInput(caseId, { visitedAt: '2026-07-04T01:00:00Z', method: 'OFFICE_TALK' }) },
        officer,
      ),
    );
    s = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(s.slots.map((x: any) => [x.status, x.visitedOn])).toEqual([
      ['COMPLETED_LATE', '2026-07-02'],
      ['COMPLETED', '2026-07-03'],
      ['PENDING', null],
      ['PENDING', null],
    ]);
    expect(s.nextDue).toBe('2026-12-28');

    at('2026-12-29T04:00:00Z');
    s = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(s.overdue).toEqual([{ index: 3, dueDate: '2026-12-28' }]);
    at('2027-07-01T04:00:00Z');
    const end = ok(await t.gql(SCHEDULE, { id: caseId }, officer)).followUp.visitSchedule;
    expect(end.slots.map((x: any) => x.status)).toEqual([
      'COMPLETED_LATE',
      'COMPLETED',
      'OVERDUE',
      'OVERDUE',
    ]);
    expect(end.nextDue).toBe('2026-12-28');
    const o = ok(await t.gql(OVERDUE, {}, officer)).overdueReturnVisits;
    expect(o.nodes[0]).toMatchObject({ oldestDueDate: '2026-12-28', overdue: [{ index: 3 }, { index: 4 }] });
    const list = ok(
      await t.gql(
        `query($id: ID!) { followUp(caseId: $id) { returnVisits { visitedOn method } } }`,
        { id: caseId },
        officer,
      ),
    ).followUp.returnVisits;
    expect(list.map((x: any) => x.method)).toEqual(['HOME_VISIT', 'PHONE', 'OFFICE_TALK']);
  });
});

describe('recordReturnVisit refusals', () => {
  beforeAll(() => at('2026-06-20T04:00:00Z'));

  it('refuses a time in the future and before termination', async () => {
    const future = errorOf(
      await t.gql(VISIT, { input: visitInput(caseId, { visitedAt: '2026-06-21T04:00:00Z' }) }, officer),
    );
    expect(future.extensions.fields).toEqual([{ field: 'visitedAt', message: '回访时间不能晚于当前时间' }]);
    const early = errorOf(
      await t.gql(VISIT, { input: visitInput(caseId, { visitedAt: '2026-05-30T04:00:00Z' }) }, officer),
    );
    expect(early.extensions.fields).toEqual([
      { field: 'visitedAt', message: '回访日期不能早于终结日期（2026-06-01）' },
    ]);
  });

  it('reports every missing field at once', async () => {
    const e = errorOf(
      await t.gql(
        VISIT,
        { input: visitInput(caseId, { opinions: '', situation: ' ', explanation: '' }) },
        officer,
      ),
    );
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields.map((f: any) => f.field)).toEqual(['opinions', 'situation', 'explanation']);
  });

  it('refuses the wrong role, the wrong unit, the unit above and a case not terminated', async () => {
    expect(errorOf(await t.gql(VISIT, { input: visitInput(caseId) }, reviewer)).code).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(VISIT, { input: visitInput(caseId) }, await t.token('SUPERVISOR', 'ZJ'))).code,
    ).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(VISIT, { input: visitInput(caseId) }, await t.token('CASE_OFFICER', 'ZJ-WZ-MZ')))
        .code,
    ).toBe('NOT_FOUND');
    expect(
      errorOf(await t.gql(VISIT, { input: visitInput(caseId) }, await t.token('CASE_OFFICER', 'ZJ-HZ'))).code,
    ).toBe('FORBIDDEN');
    at('2026-06-01T04:00:00Z');
    const open = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    at('2026-06-20T04:00:00Z');
    const e = errorOf(await t.gql(VISIT, { input: visitInput(open) }, officer));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('尚未终结');
  });

  it('same key twice → one visit; same key with other input → CONFLICT', async () => {
    const input = visitInput(caseId, {
      visitedAt: '2026-06-19T04:00:00Z',
      idempotencyKey: 'visit-2026-06-19',
    });
    const before = await t.sql(`select count(*)::int as n from return_visit`);
    const a = ok(await t.gql(VISIT, { input }, officer)).recordReturnVisit;
    const b = ok(await t.gql(VISIT, { input }, officer)).recordReturnVisit;
    expect(b.id).toBe(a.id);
    const after = await t.sql(`select count(*)::int as n from return_visit`);
    expect(after[0].n).toBe(before[0].n + 1);
    const e = errorOf(await t.gql(VISIT, { input: { ...input, method: 'PHONE' } }, officer));
    expect(e.code).toBe('CONFLICT');
    // A bad key is refused with the other fields.
    const bad = errorOf(
      await t.gql(VISIT, { input: { ...input, idempotencyKey: 'no spaces allowed', opinions: '' } }, officer),
    );
    expect(bad.extensions.fields.map((f: any) => f.field)).toEqual(['opinions', 'idempotencyKey']);
  });
});

describe('dynamic tracking', () => {
  beforeAll(() => at('2026-06-20T04:00:00Z'));
  const track = (over: Record<string, unknown> = {}) => ({
    caseId,
    observedOn: '2026-06-18',
    riskLevel: 'MEDIUM',
    situation: '信访人近期多次在业主群中表达不满，称将再次上访',
    measures: '社区网格员已上门沟通',
    ...over,
  });

  it('records a dated observation with a risk level', async () => {
    const r = ok(await t.gql(TRACK, { input: track() }, officer)).recordTracking;
    expect(r).toMatchObject({
      observedOn: '2026-06-18',
      riskLevel: 'MEDIUM',
      situation: '信访人近期多次在业主群中表达不满，称将再次上访',
      measures: '社区网格员已上门沟通',
      recordedBy: '王经办',
      clear: true,
    });
    const audit = await t.sql(`select details from audit_log where operation = 'followup.recordTracking'`);
    expect(audit[audit.length - 1].details).toMatchObject({ riskLevel: 'MEDIUM', observedOn: '2026-06-18' });
    expect(JSON.stringify(audit)).not.toContain('业主群');
    const [row] = await t.sql(`select notes_enc from tracking_record where id = $1`, [r.id]);
    expect(row.notes_enc).not.toContain('业主群'); // sealed at rest
  });

  it('refuses dates out of order or in the future, missing fields, wrong role and not-terminated', async () => {
    const e = errorOf(
      await t.gql(TRACK, { input: track({ observedOn: '2026-06-21', situation: '' }) }, officer),
    );
    expect(e.extensions.fields).toEqual([
      { field: 'observedOn', message: '日期不能晚于今天' },
      { field: 'situation', message: '动态情况不能为空' },
    ]);
    const before = errorOf(await t.gql(TRACK, { input: track({ observedOn: '2026-05-31' }) }, officer));
    expect(before.extensions.fields).toEqual([
      { field: 'observedOn', message: '跟踪日期不能早于终结日期（2026-06-01）' },
    ]);
    expect(errorOf(await t.gql(TRACK, { input: track() }, reviewer)).code).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(TRACK, { input: track() }, await t.token('CASE_OFFICER', 'ZJ-HZ-RS'))).code,
    ).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(TRACK, { input: track({ caseId: '999999' }) }, officer)).code).toBe(
      'NOT_FOUND',
    );
  });

  it('same key twice → one record', async () => {
    const input = track({ idempotencyKey: 'trk-1', observedOn: '2026-06-19' });
    const a = ok(await t.gql(TRACK, { input }, officer)).recordTracking;
    const b = ok(await t.gql(TRACK, { input }, officer)).recordTracking;
    expect(b.id).toBe(a.id);
    const rows = await t.sql(
      `select count(*)::int as n from tracking_record where observed_on = '2026-06-19'`,
    );
    expect(rows[0].n).toBe(1);
  });
});
