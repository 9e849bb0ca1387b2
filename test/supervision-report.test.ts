import { parse } from 'csv-parse/sync';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { TODAY, seedWorld, type World } from './helpers/supervision';

/**
 * External supervision (seed §5.2): the periodic follow-up report per unit and period, as GraphQL
 * and as a CSV download (UTF-8 with BOM, RFC 4180 quoting), authorised like GraphQL.
 */
let t: TestHub;
let w: World;
const TRICKY = '杭州市"信访"联络,协调处';
const FORMULA = '=1+1 测试组';

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t);
  const CREATE = `mutation($input: CreateUnitInput!) { createUnit(input: $input) { code } }`;
  for (const [code, name] of [
    ['ZJ-HZ-LL', TRICKY],
    ['ZJ-HZ-CS', FORMULA],
  ])
    ok(
      await t.gql(CREATE, { input: { code, name, kind: 'DEPARTMENT', parentCode: 'ZJ-HZ' } }, w.tokens.admin),
    );
}, 180_000);
afterAll(() => t?.close());

const COUNTS = `terminatedCases
  visits { due done doneOnTime doneLate overdue pending recorded }
  archives { total complete incomplete completenessRate }
  tracking { staleDays staleCases }
  escalations { total reported acknowledged resolved open }
  rectifications { issued open overdue verified rejected }
  feedback { received open answered closed }`;
const REPORT = `query($unit: String, $from: LocalDate, $to: LocalDate) { followUpReport(unitCode: $unit, from: $from, to: $to) {
  unit { code name } from to asOf generatedAt csvPath
  rows { unit { code name } includesSubunits from to asOf ${COUNTS} }
  total { unit { code name } includesSubunits from to asOf ${COUNTS} } } }`;
const STATS = `query($unit: String, $from: LocalDate, $to: LocalDate) { followUpStatistics(unitCode: $unit, from: $from, to: $to) {
  unit { code name } includesSubunits from to asOf ${COUNTS} } }`;
const PERIOD = { unit: 'ZJ-HZ', from: '2026-06-01', to: '2026-09-30' };

/** The CSV's columns as the test reads them: header → the GraphQL value it must carry. */
const pct = (r: number | null) => (r === null ? '' : `${(r * 100).toFixed(1)}%`);
const COLUMNS: [string, (r: any) => string | number][] = [
  ['单位代码', (r) => r.unit.code],
  ['单位名称', (r) => r.unit.name],
  ['统计范围', (r) => (r.includesSubunits ? '合计（含下级单位）' : '本单位')],
  ['期间起', (r) => r.from ?? ''],
  ['期间止', (r) => r.to ?? ''],
  ['统计截至日期', (r) => r.asOf],
  ['终结事项数', (r) => r.terminatedCases],
  ['应回访期次', (r) => r.visits.due],
  ['已回访期次', (r) => r.visits.done],
  ['按期回访', (r) => r.visits.doneOnTime],
  ['逾期补访', (r) => r.visits.doneLate],
  ['超期未回访', (r) => r.visits.overdue],
  ['未到期', (r) => r.visits.pending],
  ['期间内回访次数', (r) => r.visits.recorded],
  ['档案数', (r) => r.archives.total],
  ['档案齐全', (r) => r.archives.complete],
  ['档案不全', (r) => r.archives.incomplete],
  ['档案齐全率', (r) => pct(r.archives.completenessRate)],
  ['跟踪滞后天数', (r) => r.tracking.staleDays],
  ['跟踪滞后事项数', (r) => r.tracking.staleCases],
  ['报告上级数', (r) => r.escalations.total],
  ['报告待签收', (r) => r.escalations.reported],
  ['报告处理中', (r) => r.escalations.acknowledged],
  ['报告已办结', (r) => r.escalations.resolved],
  ['整改下达', (r) => r.rectifications.issued],
  ['整改未完结', (r) => r.rectifications.open],
  ['整改逾期', (r) => r.rectifications.overdue],
  ['整改核查通过', (r) => r.rectifications.verified],
  ['整改核查未通过', (r) => r.rectifications.rejected],
  ['社会监督意见', (r) => r.feedback.received],
  ['意见未答复', (r) => r.feedback.open],
  ['意见已答复', (r) => r.feedback.answered],
  ['意见已办结', (r) => r.feedback.closed],
];

async function download(path: string, token?: string) {
  const res = await fetch(new URL(path, t.url).toString(), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: bytes.toString('utf8') };
}

/** Every count of a statistics object, flattened: `visits.due` → 7. */
function counts(s: any): Record<string, number> {
  const out: Record<string, number> = { terminatedCases: s.terminatedCases };
  for (const g of ['visits', 'archives', 'tracking', 'escalations', 'rectifications', 'feedback'])
    for (const [k, v] of Object.entries(s[g]))
      if (k !== 'completenessRate' && k !== 'staleDays') out[`${g}.${k}`] = v as number;
  return out;
}

describe('followUpReport (GraphQL)', () => {
  it('has one row per unit of the subtree (its own cases) and a total equal to followUpStatistics', async () => {
    const r = ok(await t.gql(REPORT, PERIOD, w.tokens.supervisor)).followUpReport;
    expect(r).toMatchObject({ unit: { code: 'ZJ-HZ' }, from: '2026-06-01', to: '2026-09-30', asOf: TODAY });
    expect(r.csvPath).toBe('/reports/followup.csv?unit=ZJ-HZ&from=2026-06-01&to=2026-09-30');
    expect(r.rows.map((x: any) => x.unit.code).sort()).toEqual(
      ['ZJ-HZ', 'ZJ-HZ-CS', 'ZJ-HZ-LL', 'ZJ-HZ-RS', 'ZJ-HZ-SCJG', 'ZJ-HZ-ZJ'].sort(),
    );
    expect(r.rows.every((x: any) => x.includesSubunits === false)).toBe(true);
    const stats = ok(await t.gql(STATS, PERIOD, w.tokens.supervisor)).followUpStatistics;
    expect(r.total).toEqual(stats);
    // Every count of the total is the sum of the rows'.
    const sum: Record<string, number> = {};
    for (const row of r.rows) for (const [k, v] of Object.entries(counts(row))) sum[k] = (sum[k] ?? 0) + v;
    expect(sum).toEqual(counts(r.total));
    // By hand: ZJ-HZ-ZJ handles C1–C3 (C2, C3 terminated in the period); ZJ-HZ its own C6; ZJ-HZ-RS C7.
    const row = (code: string) => r.rows.find((x: any) => x.unit.code === code);
    expect(row('ZJ-HZ-ZJ')).toMatchObject({
      terminatedCases: 2,
      archives: { total: 2, complete: 1, incomplete: 1, completenessRate: 0.5 },
      rectifications: { issued: 3, open: 2, overdue: 1, verified: 1 },
      feedback: { received: 1, closed: 1 },
    });
    expect(row('ZJ-HZ')).toMatchObject({ terminatedCases: 1, visits: { due: 1, overdue: 1 } });
    expect(row('ZJ-HZ-RS')).toMatchObject({ terminatedCases: 1, feedback: { received: 1, open: 1 } });
    expect(row('ZJ-HZ-SCJG')).toMatchObject({
      terminatedCases: 0,
      archives: { total: 0, completenessRate: null },
    });
  });

  it("covers, for a reviewer, the units below the agency; another city's unit is NOT_FOUND", async () => {
    const r = ok(
      await t.gql(REPORT, { from: '2026-06-01', to: '2026-09-30' }, w.tokens.hzReviewer),
    ).followUpReport;
    expect(r.rows.map((x: any) => x.unit.code)).not.toContain('ZJ-HZ');
    expect(r.total.terminatedCases).toBe(2 + 1); // ZJ-HZ-ZJ and ZJ-HZ-RS, not the agency's own C6
    expect(errorOf(await t.gql(REPORT, { unit: 'ZJ-WZ' }, w.tokens.hzReviewer)).code).toBe('NOT_FOUND');
    for (const k of ['hzOfficer', 'rsStaff', 'admin'])
      expect(errorOf(await t.gql(REPORT, PERIOD, w.tokens[k])).code).toBe('FORBIDDEN');
  });
});

describe('GET /reports/followup.csv', () => {
  it('downloads the same report as CSV: UTF-8 with BOM, one header, quoted fields, CRLF', async () => {
    const report = ok(await t.gql(REPORT, PERIOD, w.tokens.supervisor)).followUpReport;
    const res = await download(report.csvPath, w.tokens.supervisor);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="followup-ZJ-HZ_2026-06-01_2026-09-30.csv"',
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.text.split('\r\n').length).toBe(report.rows.length + 2 + 1); // header, rows, total, final CRLF
    // RFC 4180 quoting of a name with quotes and a comma; a formula-like name is neutralised.
    expect(res.text).toContain('"杭州市""信访""联络,协调处"');
    const records: string[][] = parse(res.bytes, { bom: true });
    expect(records[0]).toEqual(COLUMNS.map(([h]) => h));
    const body = records.slice(1);
    expect(body).toHaveLength(report.rows.length + 1);
    const expected = [...report.rows, report.total].map((row: any) =>
      COLUMNS.map(([, value]) => {
        const v = String(value(row));
        return v === FORMULA ? `'${v}` : v;
      }),
    );
    expect(body).toEqual(expected);
    expect(body.find((r) => r[0] === 'ZJ-HZ-LL')![1]).toBe(TRICKY);
    expect(body.find((r) => r[0] === 'ZJ-HZ-CS')![1]).toBe(`'${FORMULA}`);
    expect(body[body.length - 1].slice(0, 3)).toEqual(['ZJ-HZ', '杭州市信访局', '合计（含下级单位）']);
    const [audit] = await t.sql(
      `select user_id, details from audit_log where operation = 'report.followup.export' order by seq desc limit 1`,
    );
    expect(audit).toEqual({
      user_id: 'dev:supervisor:ZJ',
      details: { unitCode: 'ZJ-HZ', from: '2026-06-01', to: '2026-09-30', rows: report.rows.length },
    });
  });

  it("defaults to the user's own unit and open ends", async () => {
    const res = await download('/reports/followup.csv', w.tokens.hzReviewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('followup-ZJ-HZ_all_all.csv');
    const body: string[][] = parse(res.bytes, { bom: true, from_line: 2 });
    const all = ok(await t.gql(REPORT, {}, w.tokens.hzReviewer)).followUpReport;
    expect(body.map((r) => r[0])).toEqual([...all.rows.map((r: any) => r.unit.code), 'ZJ-HZ']);
    expect(body[body.length - 1][6]).toBe(String(all.total.terminatedCases));
  });

  it('is authorised like GraphQL: token, role and jurisdiction; errors are JSON', async () => {
    const path = '/reports/followup.csv?unit=ZJ-HZ';
    const none = await download(path);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toEqual({
      error: { code: 'UNAUTHENTICATED', message: '未认证：缺少访问令牌（Authorization: Bearer …）' },
    });
    expect((await download(path, 'not-a-token')).status).toBe(401);
    for (const k of ['rsStaff', 'hzOfficer', 'admin']) {
      const r = await download(path, w.tokens[k]);
      expect({ k, status: r.status, code: JSON.parse(r.text).error.code }).toEqual({
        k,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const outside = await download('/reports/followup.csv?unit=ZJ-HZ', w.tokens.wzReviewer);
    expect(outside.status).toBe(404);
    const bad = await download('/reports/followup.csv?unit=ZJ-HZ&from=2026-13-01&to=x', w.tokens.supervisor);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.fields.map((f: any) => f.field)).toEqual(['from', 'to']);
  });
});
