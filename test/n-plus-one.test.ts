import { startTestHub, ok, type TestHub } from './helpers/hub';
import { APPLY, caseThroughProcedure, loadDemoUnits, terminatedCase } from './helpers/fixtures';

/**
 * List resolvers cost the same number of SQL statements whatever the page size: every relation
 * under a list is loaded once per request (DataLoader), never once per row. The SQL counter of
 * the test hub counts every statement the ORM sends (transactions and the audit write included).
 */
let t: TestHub;
const officers = new Map<string, string>();
const reviewers = new Map<string, string>();
/** Handling unit → the agency that examines its applications. */
const UNITS: [string, string][] = [
  ['ZJ-HZ-ZJ', 'ZJ-HZ'],
  ['ZJ-HZ-RS', 'ZJ-HZ'],
  ['ZJ-HZ-SCJG', 'ZJ-HZ'],
  ['ZJ-WZ-MZ', 'ZJ-WZ'],
  ['ZJ-WZ-OH-ZJ', 'ZJ-WZ-OH'],
  ['ZJ-HZ', 'ZJ'],
];

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  for (const [unit, agency] of UNITS) {
    officers.set(unit, await t.token('CASE_OFFICER', unit));
    reviewers.set(agency, await t.token('AGENCY_REVIEWER', agency));
  }
});
afterAll(() => t.close());

/** Runs a query and returns its data and the number of SQL statements it cost. */
async function counted(query: string, token: string, variables: Record<string, unknown> = {}) {
  t.queries.length = 0;
  const data = ok(await t.gql(query, variables, token));
  // The request budget's spend is a lease taken once per many requests (graphql/request-budget.ts), not the page's.
  const statements = t.queries.filter((q) => !/usage_spend\(/.test(q)).length;
  if (process.env.SQL_REPORT)
    console.log(`${statements} statements`, query.replace(/\s+/g, ' ').slice(0, 80));
  return { data: data as Record<string, any>, statements };
}

describe('pendingTerminationApplications', () => {
  const PENDING = `{ pendingTerminationApplications { id case { id title petitioner { name } } examiningUnit { code } } }`;
  const HZ_UNITS = UNITS.filter(([, agency]) => agency === 'ZJ-HZ').map(([unit]) => unit);
  let applied = 0;
  async function applyFor(n: number) {
    for (let i = 0; i < n; i++) {
      const unit = HZ_UNITS[applied++ % HZ_UNITS.length];
      const id = await caseThroughProcedure(t, officers.get(unit)!, { reReview: true, repeat: true });
      ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officers.get(unit)!));
    }
  }

  it('costs the same for 2 rows as for 10', async () => {
    const reviewer = reviewers.get('ZJ-HZ')!;
    await applyFor(2);
    const two = await counted(PENDING, reviewer);
    expect(two.data.pendingTerminationApplications).toHaveLength(2);
    await applyFor(8);
    const ten = await counted(PENDING, reviewer);
    const rows = ten.data.pendingTerminationApplications;
    expect(rows).toHaveLength(10);
    for (const a of rows) {
      expect(a.case).toMatchObject({ title: expect.any(String), petitioner: { name: '俞晓梅' } });
      expect(a.examiningUnit.code).toBe('ZJ-HZ');
    }
    expect(ten.statements).toBe(two.statements);
  });
});

describe('terminatedCases with the handling unit’s tree', () => {
  const TERMINATED = `query($first: Int!) { terminatedCases(first: $first) { nodes { id
    handlingUnit { code parent { code } ancestors { code } nearestAgencyAbove { code } } } } }`;
  const ANCESTORS: Record<string, string[]> = {
    'ZJ-HZ-ZJ': ['ZJ', 'ZJ-HZ'],
    'ZJ-HZ-RS': ['ZJ', 'ZJ-HZ'],
    'ZJ-HZ-SCJG': ['ZJ', 'ZJ-HZ'],
    'ZJ-WZ-MZ': ['ZJ', 'ZJ-WZ'],
    'ZJ-WZ-OH-ZJ': ['ZJ', 'ZJ-WZ', 'ZJ-WZ-OH'],
    'ZJ-HZ': ['ZJ'],
  };
  const DESCENDANTS = `query($first: Int!) { terminatedCases(first: $first) { nodes { id
    handlingUnit { code descendants { code } } } } }`;

  it('costs the same for 2 rows as for 10, and every unit is right', async () => {
    // Round robin, so that the newest two are in different units.
    for (let i = 0; i < 10; i++) {
      const [unit, agency] = UNITS[i % UNITS.length];
      await terminatedCase(t, officers.get(unit)!, reviewers.get(agency)!);
    }
    const reader = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const two = await counted(TERMINATED, reader, { first: 2 });
    const ten = await counted(TERMINATED, reader, { first: 10 });
    expect(two.data.terminatedCases.nodes).toHaveLength(2);
    const nodes = ten.data.terminatedCases.nodes;
    expect(nodes).toHaveLength(10);
    expect(new Set(nodes.map((n: any) => n.handlingUnit.code)).size).toBe(UNITS.length);
    for (const { handlingUnit: u } of nodes) {
      const above = ANCESTORS[u.code];
      expect(u.ancestors.map((a: any) => a.code)).toEqual(above);
      expect(u.parent.code).toBe(above[above.length - 1]);
      expect(u.nearestAgencyAbove.code).toBe(UNITS.find(([unit]) => unit === u.code)![1]);
    }
    expect(ten.statements).toBe(two.statements);

    const twoBelow = await counted(DESCENDANTS, reader, { first: 2 });
    const tenBelow = await counted(DESCENDANTS, reader, { first: 10 });
    for (const { handlingUnit: u } of tenBelow.data.terminatedCases.nodes)
      expect(u.descendants.map((d: any) => d.code)).toEqual(
        u.code === 'ZJ-HZ' ? ['ZJ-HZ-ZJ', 'ZJ-HZ-RS', 'ZJ-HZ-SCJG'] : [],
      );
    expect(tenBelow.statements).toBe(twoBelow.statements);
  });
});

describe('units with their tree', () => {
  // Two queries: one with every field would exceed the query cost limit (and `descendants`
  // under `units` alone does too; it is counted under terminatedCases above).
  const QUERIES = [
    `{ units { code parent { code } nearestAgencyAbove { code } } }`,
    `{ units { code ancestors { code } } }`,
  ];
  const run = async (token: string) => {
    const results = [];
    for (const q of QUERIES) results.push(await counted(q, token));
    const units = new Map<string, any>();
    for (const r of results) for (const u of r.data.units) units.set(u.code, { ...units.get(u.code), ...u });
    return { units, statements: results.map((r) => r.statements) };
  };

  it('costs the same however many units there are', async () => {
    const admin = await t.token('ADMIN', 'ZJ');
    const before = await run(admin);
    const CREATE = `mutation($input: CreateUnitInput!) { createUnit(input: $input) { code } }`;
    for (const [code, parentCode] of [
      ['ZJ-NB', 'ZJ'],
      ['ZJ-NB-JY', 'ZJ-NB'],
      ['ZJ-NB-JY-X1', 'ZJ-NB-JY'],
      ['ZJ-NB-JY-X2', 'ZJ-NB-JY'],
    ]) {
      const kind = code.startsWith('ZJ-NB-JY-') ? 'DEPARTMENT' : 'PETITION_AGENCY';
      ok(await t.gql(CREATE, { input: { code, name: code, kind, parentCode } }, admin));
    }
    const after = await run(admin);
    expect(after.units.size).toBe(before.units.size + 4);
    expect(after.units.get('ZJ-NB-JY-X1')).toEqual({
      code: 'ZJ-NB-JY-X1',
      parent: { code: 'ZJ-NB-JY' },
      ancestors: [{ code: 'ZJ' }, { code: 'ZJ-NB' }, { code: 'ZJ-NB-JY' }],
      nearestAgencyAbove: { code: 'ZJ-NB-JY' },
    });
    expect(after.units.get('ZJ')).toMatchObject({ parent: null, nearestAgencyAbove: null, ancestors: [] });
    expect(after.statements).toEqual(before.statements);
  });
});
