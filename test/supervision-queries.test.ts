import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REQUIRED_KINDS, TODAY, seedWorld, type World } from './helpers/supervision';
import { ConfigError, loadConfig } from '../src/config';

/**
 * The supervisor's inspection queries (issue 6) on a seeded province whose history is known
 * (test/helpers/supervision.ts). Expected answers are computed here from that history with the
 * test's own small date arithmetic, and checked by hand in the comments.
 */
let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t);
}, 180_000);
afterAll(() => t?.close());

// ---- the test's own arithmetic (independent of src/) ----

const DAY = 86_400_000;
const plus = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const between = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
/** Default policy: first visit 30 days after termination, then every 90, while within 12 months. */
function dueDates(terminated: string): string[] {
  const end = `${Number(terminated.slice(0, 4)) + 1}${terminated.slice(4)}`;
  const out: string[] = [];
  for (let d = plus(terminated, 30); out.length === 0 || d <= end; d = plus(d, 90)) out.push(d);
  return out;
}
type Slot = { index: number; due: string; status: 'ON_TIME' | 'LATE' | 'OVERDUE' | 'PENDING' };
/** Each slot takes the first unused visit after the previous due date (on or after termination for slot 1). */
function slotsOf(c: string): Slot[] {
  const T = w.timeline.terminated[c].day;
  const visits = [...w.timeline.visits[c]].sort();
  const due = dueDates(T);
  let i = 0;
  return due.map((d, k) => {
    const start = k === 0 ? T : due[k - 1];
    while (i < visits.length && (k === 0 ? visits[i] < start : visits[i] <= start)) i++;
    if (i < visits.length) {
      const v = visits[i++];
      return { index: k + 1, due: d, status: v <= d ? 'ON_TIME' : 'LATE' };
    }
    return { index: k + 1, due: d, status: TODAY > d ? 'OVERDUE' : 'PENDING' };
  });
}
const UNITS_BELOW: Record<string, string[]> = {
  ZJ: ['ZJ', 'ZJ-HZ', 'ZJ-HZ-ZJ', 'ZJ-HZ-RS', 'ZJ-HZ-SCJG', 'ZJ-WZ', 'ZJ-WZ-MZ', 'ZJ-WZ-OH', 'ZJ-WZ-OH-ZJ'],
  'ZJ-HZ': ['ZJ-HZ', 'ZJ-HZ-ZJ', 'ZJ-HZ-RS', 'ZJ-HZ-SCJG'],
  'ZJ-WZ-OH': ['ZJ-WZ-OH', 'ZJ-WZ-OH-ZJ'],
};
/** Terminated cases handled in a unit's subtree; a reviewer's scope leaves out their own agency. */
function casesIn(unit: string, reviewer = false): string[] {
  return Object.entries(w.timeline.terminated)
    .filter(([, v]) => UNITS_BELOW[unit].includes(v.unit) && !(reviewer && v.unit === unit))
    .map(([c]) => c);
}
const inPeriod = (d: string, from?: string, to?: string) => (!from || d >= from) && (!to || d <= to);

function expectedOverdue(names: string[], from?: string, to?: string) {
  return names
    .map((c) => ({
      c,
      overdue: slotsOf(c).filter((s) => s.status === 'OVERDUE' && inPeriod(s.due, from, to)),
    }))
    .filter((x) => x.overdue.length)
    .sort((a, b) =>
      a.overdue[0].due === b.overdue[0].due
        ? Number(w.cases[a.c]) - Number(w.cases[b.c])
        : a.overdue[0].due < b.overdue[0].due
          ? -1
          : 1,
    );
}

const ids = (nodes: { case: { id: string } }[]) => nodes.map((n) => n.case.id);
const named = (names: string[]) => names.map((c) => w.cases[c]);

// ---- operations ----

const ARGS = '$unit: String, $from: LocalDate, $to: LocalDate, $first: Int, $after: String';
const PASS = 'unitCode: $unit, from: $from, to: $to, first: $first, after: $after';
const OVERDUE = `query(${ARGS}) { inspectionOverdueVisits(${PASS}) { totalCount pageInfo { hasNextPage endCursor }
  nodes { case { id status petitioner { clear name idNumber } handlingUnit { code } } terminatedAt oldestDueDate daysOverdue
          overdue { index dueDate windowStart } visitsRecorded lastVisitedOn } } }`;
const ARCHIVES = `query(${ARGS}) { inspectionIncompleteArchives(${PASS}) { totalCount pageInfo { hasNextPage endCursor }
  nodes { case { id petitioner { clear name } } terminatedAt archiveCreated missing missingLabels requiredCount documentCount } } }`;
const STALE = `query(${ARGS}, $days: Int) { inspectionStaleTracking(${PASS}, days: $days) { totalCount days pageInfo { hasNextPage endCursor }
  nodes { case { id } terminatedAt lastTrackedOn lastRiskLevel trackingRecords daysWithoutTracking } } }`;
const ESCALATIONS = `query(${ARGS}, $min: Int) { inspectionOpenEscalations(${PASS}, minAgeDays: $min) { totalCount pageInfo { hasNextPage endCursor }
  nodes { ageDays daysInStatus case { id petitioner { clear name } } report { id status kind reportedAt description } } } }`;
const LOOKUPS = `query(${ARGS}) { inspectionLookupActivity(${PASS}) { totalCount pageInfo { hasNextPage endCursor }
  nodes { userId userName role unit { code } duplicateChecks clearReads reveals fileDownloads distinctPetitioners distinctCases total firstAt lastAt } } }`;
const STATS = `query($unit: String, $from: LocalDate, $to: LocalDate) { followUpStatistics(unitCode: $unit, from: $from, to: $to) {
  unit { code } includesSubunits from to asOf terminatedCases
  visits { due done doneOnTime doneLate overdue pending recorded }
  archives { total complete incomplete completenessRate }
  tracking { staleDays staleCases }
  escalations { total reported acknowledged resolved open }
  rectifications { issued open overdue verified rejected }
  feedback { received open answered closed } } }`;

describe('who may run the inspection queries', () => {
  const queries = {
    inspectionOverdueVisits: OVERDUE,
    inspectionIncompleteArchives: ARCHIVES,
    inspectionStaleTracking: STALE,
    inspectionOpenEscalations: ESCALATIONS,
    inspectionLookupActivity: LOOKUPS,
    followUpStatistics: STATS,
  };
  it('supervisors and agency reviewers; everyone else is FORBIDDEN', async () => {
    for (const [name, q] of Object.entries(queries)) {
      for (const token of [w.tokens.supervisor, w.tokens.hzReviewer])
        expect({ name, errors: (await t.gql(q, {}, token)).errors }).toEqual({ name, errors: undefined });
      for (const token of [w.tokens.rsStaff, w.tokens.hzOfficer, w.tokens.admin])
        expect({ name, code: errorOf(await t.gql(q, {}, token)).code }).toEqual({ name, code: 'FORBIDDEN' });
    }
  });
});

describe('inspectionOverdueVisits', () => {
  it('lists, for a supervisor, every case with an overdue visit in the subtree, longest overdue first', async () => {
    const expected = expectedOverdue(casesIn('ZJ'));
    // By hand: C6 (07-10, 10-08), C3 (08-14), C4 (09-17), C2 (09-29, after its late 07-05 visit).
    expect(expected.map((x) => x.c)).toEqual(['C6', 'C3', 'C4', 'C2']);
    const r = ok(await t.gql(OVERDUE, { first: 100 }, w.tokens.supervisor)).inspectionOverdueVisits;
    expect(r.totalCount).toBe(4);
    expect(ids(r.nodes)).toEqual(named(expected.map((x) => x.c)));
    for (const [i, n] of r.nodes.entries()) {
      const x = expected[i];
      expect(n.overdue.map((s: any) => s.dueDate)).toEqual(x.overdue.map((s) => s.due));
      expect(n.overdue.map((s: any) => s.index)).toEqual(x.overdue.map((s) => s.index));
      expect(n.oldestDueDate).toBe(x.overdue[0].due);
      expect(n.daysOverdue).toBe(between(x.overdue[0].due, TODAY));
      expect(n.terminatedAt).toBe(w.timeline.terminated[x.c].day);
      expect(n.visitsRecorded).toBe(w.timeline.visits[x.c].length);
      expect(n.lastVisitedOn).toBe([...w.timeline.visits[x.c]].sort().pop() ?? null);
      // The petitioner goes through the masking view: a supervisor sees masked values only.
      expect(n.case.petitioner.clear).toBe(false);
      expect(n.case.petitioner.name).toMatch(/^.\*+$/);
      expect(n.case.petitioner.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    }
    expect(r.nodes[0].overdue).toHaveLength(2); // C6: both 07-10 and 10-08
  });

  it('covers, for a reviewer, the units below the agency (not its own cases)', async () => {
    const hz = ok(await t.gql(OVERDUE, {}, w.tokens.hzReviewer)).inspectionOverdueVisits;
    expect(ids(hz.nodes)).toEqual(named(expectedOverdue(casesIn('ZJ-HZ', true)).map((x) => x.c)));
    expect(ids(hz.nodes)).toEqual(named(['C3', 'C2'])); // C6 is ZJ-HZ's own case
    const wz = ok(await t.gql(OVERDUE, {}, w.tokens.wzReviewer)).inspectionOverdueVisits;
    expect(ids(wz.nodes)).toEqual(named(['C4']));
    const zj = ok(await t.gql(OVERDUE, {}, w.tokens.zjReviewer)).inspectionOverdueVisits;
    expect(ids(zj.nodes)).toEqual(named(['C6', 'C3', 'C4', 'C2']));
    // As the examining agency, the ZJ-HZ reviewer sees its units' petitioners in clear (the one rule).
    expect(hz.nodes.every((n: any) => n.case.petitioner.clear)).toBe(true);
  });

  it('filters by unit subtree and by the due dates of the period', async () => {
    const hz = ok(await t.gql(OVERDUE, { unit: 'ZJ-HZ' }, w.tokens.supervisor)).inspectionOverdueVisits;
    expect(ids(hz.nodes)).toEqual(named(expectedOverdue(casesIn('ZJ-HZ')).map((x) => x.c)));
    const sept = ok(
      await t.gql(OVERDUE, { from: '2026-09-01', to: '2026-09-30' }, w.tokens.supervisor),
    ).inspectionOverdueVisits;
    expect(ids(sept.nodes)).toEqual(
      named(expectedOverdue(casesIn('ZJ'), '2026-09-01', '2026-09-30').map((x) => x.c)),
    );
    expect(ids(sept.nodes)).toEqual(named(['C4', 'C2']));
    const oct = ok(await t.gql(OVERDUE, { from: '2026-10-01' }, w.tokens.supervisor)).inspectionOverdueVisits;
    expect(oct.nodes.map((n: any) => [n.case.id, n.oldestDueDate])).toEqual([[w.cases.C6, '2026-10-08']]);
    // Outside the reader's jurisdiction, or unknown: nothing, as for the other lists of the hub.
    for (const unit of ['ZJ-WZ', 'NO-SUCH-UNIT'])
      expect(ok(await t.gql(OVERDUE, { unit }, w.tokens.hzReviewer)).inspectionOverdueVisits.totalCount).toBe(
        0,
      );
  });

  it('pages with a cursor and refuses bad input listing every bad field', async () => {
    const p1 = ok(await t.gql(OVERDUE, { first: 2 }, w.tokens.supervisor)).inspectionOverdueVisits;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(
      await t.gql(OVERDUE, { first: 2, after: p1.pageInfo.endCursor }, w.tokens.supervisor),
    ).inspectionOverdueVisits;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([...ids(p1.nodes), ...ids(p2.nodes)]).toEqual(named(['C6', 'C3', 'C4', 'C2']));
    expect(p2.totalCount).toBe(4);
    const bad = errorOf(
      await t.gql(OVERDUE, { first: 101, after: 'nonsense', to: '2026-01-01' }, w.tokens.supervisor),
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields.map((f: any) => f.field).sort()).toEqual(['after', 'first']);
    // Days are LocalDate: a day that is none is refused at the edge, every bad one at once.
    const badDays = errorOf(
      await t.gql(OVERDUE, { first: 101, from: '2026-13-01', to: '2026/01/01' }, w.tokens.supervisor),
    );
    expect(badDays.code).toBe('BAD_USER_INPUT');
    expect(badDays.extensions.fields.map((f: any) => f.field)).toEqual(['$from', '$to']);
    const order = errorOf(
      await t.gql(OVERDUE, { from: '2026-09-01', to: '2026-08-01' }, w.tokens.supervisor),
    );
    expect(order.extensions.fields).toEqual([{ field: 'to', message: '截止日期不能早于起始日期' }]);
  });
});

describe('inspectionIncompleteArchives', () => {
  it('lists the terminated cases whose archive lacks required items, with the missing items', async () => {
    const r = ok(await t.gql(ARCHIVES, { first: 100 }, w.tokens.supervisor)).inspectionIncompleteArchives;
    // C1, C3, C4 hold all eight items; C2 lacks the last two; C5, C6 have none; C7's archive was never created.
    const expected = [
      { c: 'C2', missing: ['DECISION', 'NOTIFICATION'], docs: 6, created: true },
      { c: 'C6', missing: REQUIRED_KINDS, docs: 0, created: true },
      { c: 'C7', missing: REQUIRED_KINDS, docs: 0, created: false },
      { c: 'C5', missing: REQUIRED_KINDS, docs: 0, created: true },
    ];
    expect(r.totalCount).toBe(expected.length);
    expect(
      r.nodes.map((n: any) => ({
        c: Object.keys(w.cases).find((k) => w.cases[k] === n.case.id),
        missing: n.missing,
        docs: n.documentCount,
        created: n.archiveCreated,
      })),
    ).toEqual(expected);
    expect(r.nodes[0].missingLabels).toEqual(['信访终结决定', '告知记录']);
    expect(r.nodes.every((n: any) => n.requiredCount === 8 && n.case.petitioner.clear === false)).toBe(true);
    // The database agrees, counted here without the service.
    const [{ n }] = await t.sql(
      `select count(*)::int as n from petition_case c where c.status = 'TERMINATED' and
         (select count(distinct kind) from archive_document d where d.case_id = c.id and d.kind <> 'OTHER') < 8`,
    );
    expect(n).toBe(expected.length);
  });

  it('filters by termination date and unit; a reviewer sees the units below the agency', async () => {
    const r = ok(
      await t.gql(ARCHIVES, { from: '2026-06-05', to: '2026-07-31' }, w.tokens.supervisor),
    ).inspectionIncompleteArchives;
    expect(ids(r.nodes)).toEqual(named(['C6', 'C7']));
    const wz = ok(await t.gql(ARCHIVES, { unit: 'ZJ-WZ' }, w.tokens.supervisor)).inspectionIncompleteArchives;
    expect(ids(wz.nodes)).toEqual(named(['C5']));
    const hz = ok(await t.gql(ARCHIVES, {}, w.tokens.hzReviewer)).inspectionIncompleteArchives;
    expect(ids(hz.nodes)).toEqual(named(['C2', 'C7']));
  });
});

describe('inspectionStaleTracking', () => {
  /** The day each case went quiet: its last tracking record, or its termination. */
  const since = (c: string) => [...w.timeline.tracking[c]].sort().pop() ?? w.timeline.terminated[c].day;
  const stale = (names: string[], days: number) =>
    names
      .filter((c) => between(since(c), TODAY) > days)
      .sort((a, b) =>
        since(a) === since(b) ? Number(w.cases[a]) - Number(w.cases[b]) : since(a) < since(b) ? -1 : 1,
      );

  it('lists the cases with no tracking record for more than TRACKING_STALE_DAYS (60) days, quietest first', async () => {
    const r = ok(await t.gql(STALE, { first: 100 }, w.tokens.supervisor)).inspectionStaleTracking;
    expect(r.days).toBe(60);
    // By hand, as of 10-15: C2 (never, 06-01), C6 (never, 06-10), C3 (07-20), C5 (never, 08-01).
    expect(stale(casesIn('ZJ'), 60)).toEqual(['C2', 'C6', 'C3', 'C5']);
    expect(ids(r.nodes)).toEqual(named(stale(casesIn('ZJ'), 60)));
    expect(r.totalCount).toBe(4);
    const c2 = r.nodes[0];
    expect(c2).toMatchObject({
      lastTrackedOn: null,
      lastRiskLevel: null,
      trackingRecords: 0,
      daysWithoutTracking: 136,
    });
    expect(r.nodes[2]).toMatchObject({
      lastTrackedOn: '2026-07-20',
      lastRiskLevel: 'MEDIUM',
      trackingRecords: 1,
    });
    for (const n of r.nodes) {
      const c = Object.keys(w.cases).find((k) => w.cases[k] === n.case.id)!;
      expect(n.daysWithoutTracking).toBe(between(since(c), TODAY));
    }
  });

  it('takes the number of days as an argument, and the period and unit as filters', async () => {
    const r80 = ok(await t.gql(STALE, { days: 80 }, w.tokens.supervisor)).inspectionStaleTracking;
    expect(r80.days).toBe(80);
    expect(ids(r80.nodes)).toEqual(named(stale(casesIn('ZJ'), 80)));
    expect(ids(r80.nodes)).toEqual(named(['C2', 'C6', 'C3']));
    const hz = ok(await t.gql(STALE, { from: '2026-06-05' }, w.tokens.hzReviewer)).inspectionStaleTracking;
    expect(ids(hz.nodes)).toEqual(named(['C3'])); // C2 terminated before 06-05; C6 is the agency's own
    const p1 = ok(await t.gql(STALE, { first: 3 }, w.tokens.supervisor)).inspectionStaleTracking;
    const p2 = ok(
      await t.gql(STALE, { first: 3, after: p1.pageInfo.endCursor }, w.tokens.supervisor),
    ).inspectionStaleTracking;
    expect([...ids(p1.nodes), ...ids(p2.nodes)]).toEqual(named(['C2', 'C6', 'C3', 'C5']));
    expect([p1.pageInfo.hasNextPage, p2.pageInfo.hasNextPage]).toEqual([true, false]);
    const bad = errorOf(await t.gql(STALE, { days: 0 }, w.tokens.supervisor));
    expect(bad.extensions.fields).toEqual([{ field: 'days', message: '天数应为 1–3650 的整数' }]);
  });

  it('reads its default from TRACKING_STALE_DAYS, checked at start', () => {
    expect(loadConfig({}).supervision.trackingStaleDays).toBe(60);
    expect(loadConfig({ TRACKING_STALE_DAYS: '90' }).supervision.trackingStaleDays).toBe(90);
    expect(() => loadConfig({ TRACKING_STALE_DAYS: 'soon' })).toThrow(ConfigError);
  });
});

describe('inspectionOpenEscalations', () => {
  it('lists the reports not yet resolved, oldest first, with their age', async () => {
    const r = ok(await t.gql(ESCALATIONS, { first: 100 }, w.tokens.supervisor)).inspectionOpenEscalations;
    // C2 reported 07-10 (acknowledged 07-12), C3 08-20, C4 10-05; C1's was resolved.
    expect(r.totalCount).toBe(3);
    expect(r.nodes.map((n: any) => [n.case.id, n.report.status, n.ageDays, n.daysInStatus])).toEqual([
      [w.cases.C2, 'ACKNOWLEDGED', between('2026-07-10', TODAY), between('2026-07-12', TODAY)],
      [w.cases.C3, 'REPORTED', between('2026-08-20', TODAY), between('2026-08-20', TODAY)],
      [w.cases.C4, 'REPORTED', between('2026-10-05', TODAY), between('2026-10-05', TODAY)],
    ]);
    // A supervisor is no clear reader: the report's text is null, the petitioner masked.
    expect(
      r.nodes.every((n: any) => n.report.description === null && n.case.petitioner.clear === false),
    ).toBe(true);
    const [{ n }] = await t.sql(
      `select count(*)::int as n from escalation_report where status <> 'RESOLVED'`,
    );
    expect(n).toBe(3);
  });

  it('filters by age, period and unit', async () => {
    const old = ok(await t.gql(ESCALATIONS, { min: 30 }, w.tokens.supervisor)).inspectionOpenEscalations;
    expect(ids(old.nodes)).toEqual(named(['C2', 'C3']));
    const exact = ok(await t.gql(ESCALATIONS, { min: 10 }, w.tokens.supervisor)).inspectionOpenEscalations;
    expect(ids(exact.nodes)).toEqual(named(['C2', 'C3', 'C4'])); // 10-05 is 10 days old
    expect(
      ok(await t.gql(ESCALATIONS, { min: 11 }, w.tokens.supervisor)).inspectionOpenEscalations.totalCount,
    ).toBe(2);
    const aug = ok(
      await t.gql(ESCALATIONS, { from: '2026-08-01', to: '2026-08-31' }, w.tokens.supervisor),
    ).inspectionOpenEscalations;
    expect(ids(aug.nodes)).toEqual(named(['C3']));
    const wz = ok(await t.gql(ESCALATIONS, {}, w.tokens.wzReviewer)).inspectionOpenEscalations;
    expect(ids(wz.nodes)).toEqual(named(['C4']));
    const p1 = ok(await t.gql(ESCALATIONS, { first: 1 }, w.tokens.supervisor)).inspectionOpenEscalations;
    const p2 = ok(
      await t.gql(ESCALATIONS, { first: 2, after: p1.pageInfo.endCursor }, w.tokens.supervisor),
    ).inspectionOpenEscalations;
    expect([...ids(p1.nodes), ...ids(p2.nodes)]).toEqual(named(['C2', 'C3', 'C4']));
  });
});

describe('inspectionLookupActivity', () => {
  const DAYQ = { from: '2026-10-10', to: '2026-10-10' };
  it('counts, per user, duplicate checks, clear reads and reveals, most active first', async () => {
    const r = ok(await t.gql(LOOKUPS, { ...DAYQ, first: 100 }, w.tokens.supervisor)).inspectionLookupActivity;
    expect(
      r.nodes.map((n: any) => [
        n.userId,
        n.unit.code,
        n.duplicateChecks,
        n.clearReads,
        n.reveals,
        n.total,
        n.distinctPetitioners,
      ]),
    ).toEqual([
      ['dev:department_staff:ZJ-HZ-RS', 'ZJ-HZ-RS', 3, 0, 0, 3, 0],
      ['dev:case_officer:ZJ-HZ-ZJ', 'ZJ-HZ-ZJ', 0, 2, 0, 2, 1],
      // The reveal, and the clear read of the name it returned.
      ['dev:supervisor:ZJ', 'ZJ', 0, 1, 1, 2, 1],
      ['dev:case_officer:ZJ-WZ-OH-ZJ', 'ZJ-WZ-OH-ZJ', 1, 0, 0, 1, 0],
    ]);
    expect(r.nodes[0]).toMatchObject({ userName: '吴科员', role: 'DEPARTMENT_STAFF' });
    // The audit log, counted here directly, agrees.
    const rows = await t.sql(
      `select user_id, count(*)::int as n from audit_log
        where operation in ('sharing.checkDuplicate', 'petitioner.read.clear', 'petitioner.reveal', 'archive.file.download')
          and at >= '2026-10-10T00:00:00+08:00' and at < '2026-10-11T00:00:00+08:00'
        group by user_id order by n desc, user_id`,
    );
    expect(rows.map((x: any) => [x.user_id, x.n])).toEqual(r.nodes.map((n: any) => [n.userId, n.total]));
  });

  it('covers the units in scope only, and pages', async () => {
    const hz = ok(await t.gql(LOOKUPS, DAYQ, w.tokens.hzReviewer)).inspectionLookupActivity;
    expect(hz.nodes.map((n: any) => n.userId)).toEqual([
      'dev:department_staff:ZJ-HZ-RS',
      'dev:case_officer:ZJ-HZ-ZJ',
    ]);
    const p1 = ok(await t.gql(LOOKUPS, { ...DAYQ, first: 3 }, w.tokens.supervisor)).inspectionLookupActivity;
    const p2 = ok(
      await t.gql(LOOKUPS, { ...DAYQ, first: 3, after: p1.pageInfo.endCursor }, w.tokens.supervisor),
    ).inspectionLookupActivity;
    expect(p1.totalCount).toBe(4);
    expect([...p1.nodes, ...p2.nodes].map((n: any) => n.userId)).toEqual([
      'dev:department_staff:ZJ-HZ-RS',
      'dev:case_officer:ZJ-HZ-ZJ',
      'dev:supervisor:ZJ',
      'dev:case_officer:ZJ-WZ-OH-ZJ',
    ]);
    // Over the whole history the officers' clear reads of their own follow-up texts count too.
    const all = ok(await t.gql(LOOKUPS, { first: 100 }, w.tokens.supervisor)).inspectionLookupActivity;
    expect(all.nodes.find((n: any) => n.userId === 'dev:case_officer:ZJ-HZ-ZJ').clearReads).toBeGreaterThan(
      2,
    );
  });
});

describe('followUpStatistics', () => {
  /** The counts of one scope and period, from the seed's history (rectifications and feedback by hand). */
  function expectedStats(names: string[], from: string, to: string) {
    const slots = names.flatMap((c) => slotsOf(c).filter((s) => inPeriod(s.due, from, to)));
    const terminated = names.filter((c) => inPeriod(w.timeline.terminated[c].day, from, to));
    const complete = ['C1', 'C3', 'C4'];
    const since = (c: string) => [...w.timeline.tracking[c]].sort().pop() ?? w.timeline.terminated[c].day;
    return {
      terminatedCases: terminated.length,
      visits: {
        due: slots.length,
        done: slots.filter((s) => s.status === 'ON_TIME' || s.status === 'LATE').length,
        doneOnTime: slots.filter((s) => s.status === 'ON_TIME').length,
        doneLate: slots.filter((s) => s.status === 'LATE').length,
        overdue: slots.filter((s) => s.status === 'OVERDUE').length,
        pending: slots.filter((s) => s.status === 'PENDING').length,
        recorded: names.flatMap((c) => w.timeline.visits[c]).filter((d) => inPeriod(d, from, to)).length,
      },
      archives: {
        total: terminated.length,
        complete: terminated.filter((c) => complete.includes(c)).length,
        incomplete: terminated.filter((c) => !complete.includes(c)).length,
        completenessRate: terminated.length
          ? terminated.filter((c) => complete.includes(c)).length / terminated.length
          : null,
      },
      tracking: { staleDays: 60, staleCases: terminated.filter((c) => between(since(c), TODAY) > 60).length },
    };
  }

  it('gives a supervisor the counts of a unit subtree and period', async () => {
    const s = ok(
      await t.gql(STATS, { unit: 'ZJ-HZ', from: '2026-06-01', to: '2026-09-30' }, w.tokens.supervisor),
    ).followUpStatistics;
    const e = expectedStats(casesIn('ZJ-HZ'), '2026-06-01', '2026-09-30');
    // By hand: C2, C3, C6, C7 terminated in the period; slots due 06-09 (on time), 09-07 (late) of C1,
    // 07-01 (late), 09-29 (overdue) of C2, 08-14 (overdue) of C3, 07-10 (overdue) of C6, 07-20 (on time) of C7.
    expect(e.visits).toEqual({
      due: 7,
      done: 4,
      doneOnTime: 2,
      doneLate: 2,
      overdue: 3,
      pending: 0,
      recorded: 4,
    });
    expect(s).toMatchObject({
      unit: { code: 'ZJ-HZ' },
      includesSubunits: true,
      from: '2026-06-01',
      to: '2026-09-30',
      asOf: TODAY,
      ...e,
      // Reported 07-10 (acknowledged), 08-20 (reported), 09-02 (resolved); C4's 10-05 is outside.
      escalations: { total: 3, reported: 1, acknowledged: 1, resolved: 1, open: 2 },
      // O1 (deadline 09-30, still issued: overdue), O2 (deadline 10-31), O3 (verified).
      rectifications: { issued: 3, open: 2, overdue: 1, verified: 1, rejected: 0 },
      // F1 closed (08-01), F2 received (09-15); F3 (10-02) is outside.
      feedback: { received: 2, open: 1, answered: 1, closed: 1 },
    });
    expect(s.archives).toEqual({ total: 4, complete: 1, incomplete: 3, completenessRate: 0.25 });
  });

  it("leaves out a reviewer's own agency, and covers the whole tree without a period", async () => {
    const r = ok(
      await t.gql(STATS, { from: '2026-06-01', to: '2026-09-30' }, w.tokens.hzReviewer),
    ).followUpStatistics;
    expect(r).toMatchObject({
      unit: { code: 'ZJ-HZ' },
      ...expectedStats(casesIn('ZJ-HZ', true), '2026-06-01', '2026-09-30'),
    });
    expect(r.terminatedCases).toBe(3);
    const all = ok(await t.gql(STATS, {}, w.tokens.supervisor)).followUpStatistics;
    const [{ n }] = await t.sql(`select count(*)::int as n from petition_case where status = 'TERMINATED'`);
    expect(all.terminatedCases).toBe(n);
    expect(all.escalations.total).toBe(4);
    expect(all.feedback.received).toBe(3);
  });

  it('names its unit: an unknown unit or one outside the jurisdiction is NOT_FOUND', async () => {
    expect(errorOf(await t.gql(STATS, { unit: 'ZJ-WZ' }, w.tokens.hzReviewer)).code).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(STATS, { unit: 'NOPE' }, w.tokens.supervisor)).code).toBe('NOT_FOUND');
  });
});

describe('query limits and loaders', () => {
  it('allow every inspection list at its largest page, and refuse a larger one with BAD_USER_INPUT', async () => {
    for (const [name, q] of Object.entries({
      inspectionOverdueVisits: OVERDUE,
      inspectionIncompleteArchives: ARCHIVES,
      inspectionStaleTracking: STALE,
      inspectionOpenEscalations: ESCALATIONS,
      inspectionLookupActivity: LOOKUPS,
    })) {
      const r = await t.gql(q, { first: 100 }, w.tokens.supervisor);
      expect({ name, errors: r.errors }).toEqual({ name, errors: undefined });
      expect({ name, code: errorOf(await t.gql(q, { first: 101 }, w.tokens.supervisor)).code }).toEqual({
        name,
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('run the same number of SQL statements whatever the page size (no N+1)', async () => {
    // The request budget's spend is a lease taken once per many requests (graphql/request-budget.ts), not the query's.
    const statements = () => t.queries.filter((q) => !/usage_spend\(/.test(q)).length;
    const count = async (first: number) => {
      t.queries.length = 0;
      ok(await t.gql(OVERDUE, { first }, w.tokens.supervisor));
      return statements();
    };
    const one = await count(1);
    // the counter counts (candidates, cases, petitioners …; units come from the hub's unit tree)
    expect(one).toBeGreaterThan(2);
    expect(await count(4)).toBe(one);
    const countArchives = async (first: number) => {
      t.queries.length = 0;
      ok(await t.gql(ARCHIVES, { first }, w.tokens.supervisor));
      return statements();
    };
    expect(await countArchives(1)).toBe(await countArchives(4));
    const countEscalations = async (first: number) => {
      t.queries.length = 0;
      ok(await t.gql(ESCALATIONS, { first }, w.tokens.hzReviewer)); // clear reader: petitioners opened too
      return statements();
    };
    expect(await countEscalations(1)).toBe(await countEscalations(3));
    // The statistics: a fixed handful of statements whatever the size of the scope.
    t.queries.length = 0;
    ok(await t.gql(STATS, { unit: 'ZJ' }, w.tokens.supervisor));
    const whole = statements();
    t.queries.length = 0;
    ok(await t.gql(STATS, { unit: 'ZJ-HZ-RS' }, w.tokens.supervisor));
    expect(statements()).toBe(whole);
  });
});
