import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { REPORT } from './helpers/followup';
import { Problems } from '../src/errors';
import {
  AUDIT_LOG_PAGE_CAP,
  PAGE_MAX,
  checkPage,
  decodeCursor,
  encodeCursor,
  keysetPage,
  pageOfSorted,
  type Page,
} from '../src/shared/paging';

/**
 * How a list pages (src/shared/paging.ts): the codec and page checks alone, then the lists that
 * had no paging test of their own (cases, overdueReturnVisits, escalationInbox) walked to the end
 * over HTTP. terminatedCases, auditLog and the supervision lists are walked in their own tests.
 */

describe('cursor codec', () => {
  it('round-trips keys of every item type, a sequence number beyond 2^53 exactly', () => {
    const key = ['2026-06-01', 42, -3, 'ZJ-HZ', '9223372036854775807'];
    const shape = ['d', 'i', 'n', 's', 'b'] as const;
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
    expect(decodeCursor(encodeCursor(['9007199254740993']), ['b'])).toEqual(['9007199254740993']);
  });

  it('refuses a cursor of another shape, a forged item, or no JSON array at all', () => {
    const refused: [unknown[], readonly ('s' | 'd' | 'i' | 'n' | 'b')[]][] = [
      [[1], ['i', 'i']], // length
      [['1'], ['i']], // a string for an integer
      [[1.5], ['i']],
      [[1e300], ['i']],
      [
        ['2026-13-01', 1],
        ['d', 'i'],
      ], // not a calendar day
      [['x'], ['d']],
      [[1], ['s']],
      [['0'], ['b']], // not positive
      [['9223372036854775808'], ['b']], // beyond bigint
      [[12], ['b']], // a number where the text of a bigint is expected
    ];
    for (const [key, shape] of refused)
      expect({ key, decoded: decodeCursor(encodeCursor(key as never), shape) }).toEqual({
        key,
        decoded: null,
      });
    for (const text of [
      'garbage',
      '',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('12').toString('base64url'),
    ])
      expect(decodeCursor(text, ['i'])).toBeNull();
  });
});

describe('checkPage', () => {
  const problems = (
    first: number,
    after: string | null,
    cap = undefined as typeof AUDIT_LOG_PAGE_CAP | undefined,
  ) => {
    const p = new Problems();
    const r = checkPage(p, first, after, ['i'], cap);
    return { ...r, problems: p.list };
  };

  it('checks first and after together, every bad field at once, with the messages of every list', () => {
    expect(problems(101, 'garbage').problems).toEqual([
      { field: 'first', message: `每页条数应为 1–${PAGE_MAX}` },
      { field: 'after', message: '分页游标无效' },
    ]);
    for (const first of [0, -1, 1.5, PAGE_MAX + 1])
      expect(problems(first, null).problems).toEqual([{ field: 'first', message: '每页条数应为 1–100' }]);
    expect(problems(PAGE_MAX, encodeCursor([7]))).toEqual({ first: PAGE_MAX, cursor: [7], problems: [] });
    // An empty `after` is no cursor: the first page.
    expect(problems(1, '')).toEqual({ first: 1, cursor: null, problems: [] });
  });

  it("serves the audit log's larger first as its cap of 200 and allows 0 (its documented contract)", () => {
    expect(problems(1000, null, AUDIT_LOG_PAGE_CAP)).toEqual({ first: 200, cursor: null, problems: [] });
    expect(problems(0, null, AUDIT_LOG_PAGE_CAP).problems).toEqual([]);
    expect(problems(-1, null, AUDIT_LOG_PAGE_CAP).problems).toEqual([
      { field: 'first', message: '每页条数应为不小于 0 的整数' },
    ]);
  });
});

describe('page builders', () => {
  it('keysetPage keeps first of the first+1 rows fetched and says whether more follow', () => {
    const rows = [{ id: 9 }, { id: 7 }, { id: 4 }];
    expect(keysetPage(rows, 2, (r) => [r.id])).toEqual({
      nodes: [{ id: 9 }, { id: 7 }],
      hasNextPage: true,
      endCursor: encodeCursor([7]),
    });
    expect(keysetPage(rows.slice(0, 2), 2, (r) => [r.id]).hasNextPage).toBe(false);
    expect(keysetPage([], 2, (r: { id: number }) => [r.id])).toEqual({
      nodes: [],
      hasNextPage: false,
      endCursor: null,
    });
  });

  it('pageOfSorted walks an in-memory list by its key, ties broken by the next item', () => {
    const items = [
      { due: '2026-07-05', id: 3 },
      { due: '2026-07-01', id: 8 },
      { due: '2026-07-01', id: 2 },
      { due: '2026-07-09', id: 1 },
    ];
    const keyOf = (x: (typeof items)[number]) => [x.due, x.id];
    const seen: number[] = [];
    let cursor: (string | number)[] | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Page<(typeof items)[number]> = pageOfSorted(items, keyOf, 3, cursor);
      expect(page.totalCount).toBe(4);
      seen.push(...page.nodes.map((x) => x.id));
      if (!page.hasNextPage) break;
      cursor = decodeCursor(page.endCursor!, ['d', 'i']);
    }
    expect(seen).toEqual([2, 8, 3, 1]);
  });
});

describe('lists walked to the end over HTTP', () => {
  let t: TestHub;
  let officer: string; // ZJ-HZ-ZJ
  let reviewer: string; // ZJ-HZ
  const terminated: { id: string; on: string }[] = [];
  const open: string[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await loadDemoUnits(t);
    officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
    reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
    // Seven terminated cases over three days (ties on the termination day, so on the first due
    // date), and four still open.
    for (const [day, n] of [
      ['2026-06-01', 3],
      ['2026-06-05', 2],
      ['2026-06-10', 2],
    ] as const) {
      t.clock.now = new Date(`${day}T04:00:00Z`);
      for (let i = 0; i < n; i++)
        terminated.push({ id: await terminatedCase(t, officer, reviewer), on: day });
    }
    for (let i = 0; i < 4; i++)
      open.push(
        ok(await t.gql(REGISTER, { input: caseInput({ title: `尚未终结的事项 ${i}` }) }, officer))
          .registerCase.id,
      );
    // Every first visit (30 days after termination) overdue; one report per terminated case.
    t.clock.now = new Date('2026-08-01T04:00:00Z');
    for (const c of terminated)
      ok(
        await t.gql(
          REPORT,
          {
            input: {
              caseId: c.id,
              kind: 'NEW_DEMAND',
              discoveredOn: '2026-07-30',
              description: '信访人提出新的诉求，要求另行处理',
              measuresTaken: '已当面听取诉求并告知正在核实',
            },
          },
          officer,
        ),
      );
  });
  afterAll(() => t?.close());

  /** Every page of a list, following endCursor until hasNextPage is false. */
  async function walk(
    query: string,
    field: string,
    token: string,
    first: number,
    vars: Record<string, unknown> = {},
  ) {
    const pages: { ids: string[]; totalCount: number; hasNextPage: boolean }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const conn: any = ok(await t.gql(query, { ...vars, first, after }, token))[field];
      const ids = conn.nodes.map((n: any) => n.id ?? n.case.id);
      pages.push({ ids, totalCount: conn.totalCount, hasNextPage: conn.pageInfo.hasNextPage });
      expect(conn.pageInfo.endCursor === null).toBe(ids.length === 0);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    return pages;
  }

  async function refusals(query: string, token: string, vars: Record<string, unknown> = {}) {
    const fields = async (v: Record<string, unknown>) => {
      const e = errorOf(await t.gql(query, { ...vars, ...v }, token));
      expect(e.code).toBe('BAD_USER_INPUT');
      return e.extensions.fields;
    };
    expect(await fields({ first: PAGE_MAX + 1 })).toEqual([
      { field: 'first', message: '每页条数应为 1–100' },
    ]);
    expect(await fields({ after: 'garbage' })).toEqual([{ field: 'after', message: '分页游标无效' }]);
    // A cursor of another list's shape is as bad as garbage.
    expect(await fields({ after: encodeCursor(['2026-07-01', 'x', 1]) })).toEqual([
      { field: 'after', message: '分页游标无效' },
    ]);
    expect((await fields({ first: 0, after: 'garbage' })).map((f: any) => f.field)).toEqual([
      'first',
      'after',
    ]);
    // The largest page is served.
    expect(ok(await t.gql(query, { ...vars, first: PAGE_MAX }, token))).toBeTruthy();
  }

  const CASES = `query($first: Int, $after: String, $unit: String) {
    cases(first: $first, after: $after, filter: { unitCode: $unit }) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`;

  it('cases: newest registration first, every case once, to the end', async () => {
    const all = [...terminated.map((c) => c.id), ...open];
    const newestFirst = [...all].sort((a, b) => Number(b) - Number(a));
    const pages = await walk(CASES, 'cases', officer, 4);
    expect(pages.map((p) => p.ids.length)).toEqual([4, 4, 3]);
    expect(pages.flatMap((p) => p.ids)).toEqual(newestFirst);
    expect(pages.map((p) => p.totalCount)).toEqual([11, 11, 11]);
    // A page size dividing the list exactly: the last full page says no more follow.
    const exact = await walk(CASES, 'cases', officer, 11);
    expect(exact).toEqual([{ ids: newestFirst, totalCount: 11, hasNextPage: false }]);
    // The filter holds across pages.
    expect((await walk(CASES, 'cases', officer, 2, { unit: 'ZJ-HZ-ZJ' })).flatMap((p) => p.ids)).toEqual(
      newestFirst,
    );
    await refusals(CASES, officer);
  });

  const OVERDUE = `query($first: Int, $after: String) {
    overdueReturnVisits(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { case { id } oldestDueDate } } }`;

  it('overdueReturnVisits: longest overdue first, ties by case, every case once, to the end', async () => {
    const expected = [...terminated].sort((a, b) =>
      a.on === b.on ? Number(a.id) - Number(b.id) : a.on < b.on ? -1 : 1,
    );
    for (const first of [1, 2, 3]) {
      const pages = await walk(OVERDUE, 'overdueReturnVisits', reviewer, first);
      expect({ first, ids: pages.flatMap((p) => p.ids) }).toEqual({ first, ids: expected.map((c) => c.id) });
      expect(pages.length).toBe(Math.ceil(7 / first));
      expect(pages.every((p) => p.totalCount === 7)).toBe(true);
    }
    const dues = ok(await t.gql(OVERDUE, { first: 7 }, reviewer)).overdueReturnVisits.nodes.map(
      (n: any) => n.oldestDueDate,
    );
    expect(dues).toEqual([
      '2026-07-01',
      '2026-07-01',
      '2026-07-01',
      '2026-07-05',
      '2026-07-05',
      '2026-07-10',
      '2026-07-10',
    ]);
    await refusals(OVERDUE, reviewer);
  });

  const INBOX = `query($first: Int, $after: String) {
    escalationInbox(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id case { id } } } }`;

  it('escalationInbox: oldest report first, every report once, to the end', async () => {
    const all = ok(await t.gql(INBOX, { first: 100 }, reviewer)).escalationInbox;
    expect(all.totalCount).toBe(7);
    expect(all.nodes.map((n: any) => n.case.id)).toEqual(terminated.map((c) => c.id));
    const ids = all.nodes.map((n: any) => n.id);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    for (const first of [2, 7]) {
      const pages = await walk(INBOX, 'escalationInbox', reviewer, first);
      expect({ first, ids: pages.flatMap((p) => p.ids) }).toEqual({ first, ids });
      expect(pages.map((p) => p.ids.length)).toEqual(first === 2 ? [2, 2, 2, 1] : [7]);
    }
    await refusals(INBOX, reviewer);
  });
});
