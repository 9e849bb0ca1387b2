import { loadDemoUnits } from './helpers/fixtures';
import { startTestHub, ok, errorOf, type GqlResult, type TestHub } from './helpers/hub';

let t: TestHub;
let admin: string;
beforeAll(async () => {
  t = await startTestHub();
  // The first unit is bootstrapped in SQL: a token must name an existing unit.
  await t.sql(
    `insert into unit (code, name, kind, path) values ('ROOT', '省信访局', 'PETITION_AGENCY', '1')`,
  );
  await t.sql(`select setval('unit_id_seq', 1)`);
  admin = await t.token('ADMIN', 'ROOT');
});
afterAll(() => t.close());

const CREATE = `mutation($input: CreateUnitInput!) { createUnit(input: $input) { code name kind parent { code } } }`;
const create = (code: string, kind: string, parentCode: string | null, name = code) =>
  t.gql(CREATE, { input: { code, name, kind, parentCode } }, admin);

describe('unit tree', () => {
  beforeAll(async () => {
    ok(await create('CITY', 'PETITION_AGENCY', 'ROOT', '市信访局'));
    ok(await create('CITY-HOUSING', 'DEPARTMENT', 'CITY', '市住建局'));
    ok(await create('CITY-HOUSING-TEAM', 'DEPARTMENT', 'CITY-HOUSING', '住建局科室'));
    ok(await create('TOWN', 'PETITION_AGENCY', 'CITY'));
    ok(await create('TOWN-FARM', 'DEPARTMENT', 'TOWN'));
  });

  it('answers ancestors and descendants', async () => {
    const d = ok(
      await t.gql(
        `{ unit(code: "CITY-HOUSING-TEAM") { ancestors { code } } root: unit(code: "CITY") { descendants { code } } }`,
        {},
        admin,
      ),
    );
    expect(d.unit.ancestors.map((u: any) => u.code)).toEqual(['ROOT', 'CITY', 'CITY-HOUSING']);
    expect(d.root.descendants.map((u: any) => u.code).sort()).toEqual([
      'CITY-HOUSING',
      'CITY-HOUSING-TEAM',
      'TOWN',
      'TOWN-FARM',
    ]);
  });

  it('knows whether a unit is the same as or above another', async () => {
    const q = `query($a: String!, $b: String!) { isSameOrAbove(a: $a, b: $b) }`;
    const ask = async (a: string, b: string) => ok(await t.gql(q, { a, b }, admin)).isSameOrAbove;
    expect(await ask('CITY', 'TOWN-FARM')).toBe(true);
    expect(await ask('TOWN', 'TOWN')).toBe(true);
    expect(await ask('TOWN-FARM', 'CITY')).toBe(false);
    expect(await ask('TOWN', 'CITY-HOUSING')).toBe(false);
  });

  it('finds the nearest petition agency above a unit', async () => {
    const d = ok(
      await t.gql(
        `{ a: unit(code: "CITY-HOUSING-TEAM") { nearestAgencyAbove { code } } b: unit(code: "TOWN-FARM") { nearestAgencyAbove { code } }
           c: unit(code: "TOWN") { nearestAgencyAbove { code } } d: unit(code: "ROOT") { nearestAgencyAbove { code } } }`,
        {},
        admin,
      ),
    );
    expect(d.a.nearestAgencyAbove.code).toBe('CITY');
    expect(d.b.nearestAgencyAbove.code).toBe('TOWN');
    expect(d.c.nearestAgencyAbove.code).toBe('CITY');
    expect(d.d.nearestAgencyAbove).toBeNull();
  });

  it('renames a unit', async () => {
    const d = ok(
      await t.gql(`mutation { renameUnit(code: "TOWN", name: "镇信访办") { code name } }`, {}, admin),
    );
    expect(d.renameUnit).toEqual({ code: 'TOWN', name: '镇信访办' });
  });

  it('moves a unit with its subtree', async () => {
    ok(await create('MOVER', 'DEPARTMENT', 'CITY'));
    ok(await create('MOVER-SUB', 'DEPARTMENT', 'MOVER'));
    ok(await t.gql(`mutation { moveUnit(code: "MOVER", newParentCode: "TOWN") { code } }`, {}, admin));
    const d = ok(
      await t.gql(
        `{ unit(code: "MOVER-SUB") { ancestors { code } nearestAgencyAbove { code } } }`,
        {},
        admin,
      ),
    );
    expect(d.unit.ancestors.map((u: any) => u.code)).toEqual(['ROOT', 'CITY', 'TOWN', 'MOVER']);
    expect(d.unit.nearestAgencyAbove.code).toBe('TOWN');
  });

  it('refuses a move that would make a cycle, and changes nothing', async () => {
    const r = await t.gql(
      `mutation { moveUnit(code: "CITY", newParentCode: "TOWN-FARM") { code } }`,
      {},
      admin,
    );
    expect(errorOf(r).code).toBe('CONFLICT');
    expect(errorOf(r).message).toContain('环');
    const self = await t.gql(
      `mutation { moveUnit(code: "CITY", newParentCode: "CITY") { code } }`,
      {},
      admin,
    );
    expect(errorOf(self).code).toBe('CONFLICT');
    const d = ok(await t.gql(`{ unit(code: "TOWN-FARM") { ancestors { code } } }`, {}, admin));
    expect(d.unit.ancestors.map((u: any) => u.code)).toEqual(['ROOT', 'CITY', 'TOWN']);
  });

  it('lists every bad field of a create at once', async () => {
    const r = await create('bad code', 'DEPARTMENT', 'CITY', '');
    const e = errorOf(r);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields.map((f: any) => f.field).sort()).toEqual(['code', 'name']);
  });

  it('refuses a duplicate code', async () => {
    expect(errorOf(await create('CITY', 'PETITION_AGENCY', 'ROOT')).code).toBe('CONFLICT');
  });

  it('lets only ADMIN change the tree', async () => {
    const officer = await t.token('CASE_OFFICER', 'CITY-HOUSING');
    const r = await t.gql(
      CREATE,
      { input: { code: 'X', name: 'x', kind: 'DEPARTMENT', parentCode: 'CITY' } },
      officer,
    );
    expect(errorOf(r).code).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(`mutation { renameUnit(code: "CITY", name: "y") { code } }`, {}, officer)).code,
    ).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(`mutation { moveUnit(code: "TOWN", newParentCode: "ROOT") { code } }`, {}, officer))
        .code,
    ).toBe('FORBIDDEN');
  });
});

describe('administration within jurisdiction', () => {
  let d: TestHub;
  let rsAdmin: string;
  beforeAll(async () => {
    d = await startTestHub();
    await loadDemoUnits(d);
    rsAdmin = await d.token('ADMIN', 'ZJ-HZ-RS');
  });
  afterAll(() => d.close());

  const tree = async () =>
    (await d.sql(`select code, name, path::text as path from unit order by code`)) as {
      code: string;
      name: string;
      path: string;
    }[];
  const refusedOutside = (r: GqlResult) => {
    const e = errorOf(r);
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('不在您的管辖范围内');
  };

  it('lets an ADMIN of ZJ-HZ-RS do nothing to ZJ-WZ (rename, create under, move under its own unit), changing nothing', async () => {
    const before = await tree();
    refusedOutside(await d.gql(`mutation { renameUnit(code: "ZJ-WZ", name: "改名") { code } }`, {}, rsAdmin));
    refusedOutside(
      await d.gql(
        CREATE,
        { input: { code: 'ZJ-WZ-NEW', name: '新单位', kind: 'DEPARTMENT', parentCode: 'ZJ-WZ' } },
        rsAdmin,
      ),
    );
    refusedOutside(
      await d.gql(`mutation { moveUnit(code: "ZJ-WZ-MZ", newParentCode: "ZJ-HZ-RS") { code } }`, {}, rsAdmin),
    );
    // Nor above its own unit: the city agency it belongs to, or a new root.
    refusedOutside(await d.gql(`mutation { renameUnit(code: "ZJ-HZ", name: "改名") { code } }`, {}, rsAdmin));
    refusedOutside(
      await d.gql(CREATE, { input: { code: 'ROOT2', name: '根', kind: 'PETITION_AGENCY' } }, rsAdmin),
    );
    expect(await tree()).toEqual(before);
  });

  it('lets it manage its own unit and the units below it, but not move them out of its jurisdiction', async () => {
    ok(
      await d.gql(
        CREATE,
        { input: { code: 'ZJ-HZ-RS-A', name: '人社局一科', kind: 'DEPARTMENT', parentCode: 'ZJ-HZ-RS' } },
        rsAdmin,
      ),
    );
    ok(
      await d.gql(
        CREATE,
        { input: { code: 'ZJ-HZ-RS-B', name: '人社局二科', kind: 'DEPARTMENT', parentCode: 'ZJ-HZ-RS' } },
        rsAdmin,
      ),
    );
    ok(
      await d.gql(`mutation { renameUnit(code: "ZJ-HZ-RS-A", name: "人社局综合科") { code } }`, {}, rsAdmin),
    );
    ok(await d.gql(`mutation { renameUnit(code: "ZJ-HZ-RS", name: "杭州市人社局") { code } }`, {}, rsAdmin));
    ok(
      await d.gql(
        `mutation { moveUnit(code: "ZJ-HZ-RS-B", newParentCode: "ZJ-HZ-RS-A") { code } }`,
        {},
        rsAdmin,
      ),
    );
    // Moving needs jurisdiction over both places: out to another unit, or to the root, is refused.
    refusedOutside(
      await d.gql(`mutation { moveUnit(code: "ZJ-HZ-RS-B", newParentCode: "ZJ-WZ") { code } }`, {}, rsAdmin),
    );
    refusedOutside(
      await d.gql(`mutation { moveUnit(code: "ZJ-HZ-RS-B", newParentCode: null) { code } }`, {}, rsAdmin),
    );
    const anc = ok(await d.gql(`{ unit(code: "ZJ-HZ-RS-B") { ancestors { code } } }`, {}, rsAdmin));
    expect(anc.unit.ancestors.map((u: any) => u.code)).toEqual(['ZJ', 'ZJ-HZ', 'ZJ-HZ-RS', 'ZJ-HZ-RS-A']);
  });

  it('lets the provincial ADMIN move a unit between cities below it', async () => {
    const zj = await d.token('ADMIN', 'ZJ');
    ok(await d.gql(`mutation { moveUnit(code: "ZJ-HZ-RS-B", newParentCode: "ZJ-WZ") { code } }`, {}, zj));
    const anc = ok(await d.gql(`{ unit(code: "ZJ-HZ-RS-B") { ancestors { code } } }`, {}, zj));
    expect(anc.unit.ancestors.map((u: any) => u.code)).toEqual(['ZJ', 'ZJ-WZ']);
  });
});
