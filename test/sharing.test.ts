import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import {
  REGISTER,
  caseInput,
  loadDemoUnits,
  newIdNumber,
  terminatedCase,
  hangzhouHub,
} from './helpers/fixtures';

let t: TestHub;
let officer: string;
let reviewer: string;
let staff: string; // another city's department: no jurisdiction over Hangzhou cases
const ids: Record<string, string> = {};
const person = {
  name: '郑国栋',
  idNumber: newIdNumber('19650412'),
  phone: '13905711234',
  address: '浙江省杭州市拱墅区米市巷街道卖鱼桥小区3幢201室',
};
const FACTS =
  '2019年本人所在的拱墅区卖鱼桥小区被列入旧改项目，拆迁补偿款按每平方米18000元计算，与周边项目差距明显，街道多次答复但始终未补足差额共计23万元。';

beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub());
  staff = await t.token('DEPARTMENT_STAFF', 'ZJ-WZ-MZ', '温州民政');
  ids.housing = await terminatedCase(t, officer, reviewer, {
    petitioner: person,
    category: 'LAND_ACQUISITION_DEMOLITION',
    title: '反映卖鱼桥小区旧改拆迁补偿标准过低',
    factsAndReasons: FACTS,
    requests: '要求按周边项目标准补足拆迁补偿差额23万元',
  });
  ids.leak = await terminatedCase(t, officer, reviewer, { title: '反映小区外墙渗漏维修问题' });
  ids.open = ok(
    await t.gql(REGISTER, { input: caseInput({ title: '尚未终结的事项' }) }, officer),
  ).registerCase.id;
});
afterAll(() => t.close());

const LIST = `query($f: TerminatedCaseFilterInput, $first: Int, $after: String) {
  terminatedCases(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id title status terminatedAt handlingUnit { code } petitioner { clear name idNumber phone address }
      steps { kind decidedAt opinion } termination { decisionNumber decidedAt notifiedAt examiningUnit { code } } } } }`;

describe('terminated-case look-ups', () => {
  it('shows every department the terminated cases, with the decision, and personal data masked', async () => {
    const r = ok(await t.gql(LIST, {}, staff)).terminatedCases;
    expect(r.totalCount).toBe(2);
    expect(r.nodes.map((n: any) => n.id).sort()).toEqual([ids.housing, ids.leak].sort());
    const housing = r.nodes.find((n: any) => n.id === ids.housing);
    expect(housing.petitioner).toEqual({
      clear: false,
      name: '郑**',
      idNumber: expect.stringMatching(/^330106\*{8}/),
      phone: '139****1234',
      address: '浙江省杭州市拱墅区****',
    });
    expect(housing.termination).toMatchObject({
      decisionNumber: expect.stringMatching(/浙信终字/),
      notifiedAt: '2026-06-01',
      examiningUnit: { code: 'ZJ-HZ' },
    });
    expect(housing.steps.map((s: any) => s.kind)).toEqual(['ACCEPTANCE', 'HANDLING', 'REVIEW', 'RE_REVIEW']);
  });

  it('keeps non-terminated cases inside jurisdiction', async () => {
    expect(
      errorOf(await t.gql(`query($id: ID!) { terminatedCase(id: $id) { id } }`, { id: ids.open }, staff))
        .code,
    ).toBe('NOT_FOUND');
    expect(
      errorOf(await t.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: ids.open }, staff)).code,
    ).toBe('NOT_FOUND');
    expect(
      ok(await t.gql(`query($id: ID!) { terminatedCase(id: $id) { id } }`, { id: ids.housing }, staff))
        .terminatedCase.id,
    ).toBe(ids.housing);
  });

  it('filters by category, unit (with or without units below), period and text', async () => {
    const count = async (f: Record<string, unknown>) =>
      ok(await t.gql(LIST, { f }, staff)).terminatedCases.totalCount;
    expect(await count({ category: 'LAND_ACQUISITION_DEMOLITION' })).toBe(1);
    expect(await count({ unitCode: 'ZJ-HZ' })).toBe(2);
    expect(await count({ unitCode: 'ZJ-HZ', includeSubunits: false })).toBe(0);
    expect(await count({ unitCode: 'ZJ-HZ-ZJ', includeSubunits: false })).toBe(2);
    expect(await count({ unitCode: 'ZJ-WZ' })).toBe(0);
    expect(await count({ terminatedFrom: '2026-06-01', terminatedTo: '2026-06-01' })).toBe(2);
    expect(await count({ terminatedFrom: '2026-06-02' })).toBe(0);
    expect(await count({ text: '卖鱼桥' })).toBe(1);
    expect(await count({ text: '外墙渗漏' })).toBe(1);
  });

  it('pages with a cursor and caps the page size', async () => {
    const p1 = ok(await t.gql(LIST, { first: 1 }, staff)).terminatedCases;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await t.gql(LIST, { first: 1, after: p1.pageInfo.endCursor }, staff)).terminatedCases;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...p1.nodes, ...p2.nodes].map((n: any) => n.id)).size).toBe(2);
    expect(errorOf(await t.gql(LIST, { first: 101 }, staff)).code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql(LIST, { after: 'garbage' }, staff)).code).toBe('BAD_USER_INPUT');
  });
});

describe('personal data cannot be inferred through filters, sorting or counts', () => {
  it('no list filter or sort takes a personal field', async () => {
    const r = ok(
      await t.gql(`{ __schema { types { name kind inputFields { name } } } }`, {}, staff),
    ).__schema.types.filter((ty: any) => ty.kind === 'INPUT_OBJECT');
    const personal = ['name', 'idNumber', 'phone', 'address'];
    const carrying = r
      .filter((ty: any) => ty.inputFields.some((f: any) => personal.includes(f.name)))
      .map((ty: any) => ty.name)
      .sort();
    // Only registration (writing) and the audited duplicate check take personal data as input;
    // CreateUnitInput's `name` is a unit's name.
    expect(carrying).toEqual(['CreateUnitInput', 'DuplicateCheckInput', 'PetitionerInput']);
  });

  it('text search does not search personal data: a name or phone finds nothing, and counts stay 0', async () => {
    for (const text of [person.name, person.phone, person.idNumber.slice(0, 10), '拱墅区米市巷']) {
      const r = ok(await t.gql(LIST, { f: { text } }, staff)).terminatedCases;
      expect(r.totalCount).toBe(0);
      expect(r.nodes).toEqual([]);
    }
  });

  it('an unknown unit and a unit without cases answer alike', async () => {
    const a = ok(await t.gql(LIST, { f: { unitCode: 'NO-SUCH' } }, staff)).terminatedCases;
    const b = ok(await t.gql(LIST, { f: { unitCode: 'ZJ-WZ' } }, staff)).terminatedCases;
    expect(a).toEqual(b);
  });
});

const CHECK = `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) { verdict
  matches { sameIdentity contentSimilarity score case { id title petitioner { clear name idNumber } } } } }`;

describe('checkDuplicate', () => {
  const retelling =
    '我家在拱墅区卖鱼桥小区，2019年旧改拆迁时补偿标准只有每平方米18000元，比周边项目低很多，找街道反映多次，差额23万元一直没有补给我。';

  it('answers DUPLICATE for the same person retelling the same matter, in any ID spelling', async () => {
    const spaced = ` ${person.idNumber.slice(0, 6)} ${person.idNumber.slice(6).toLowerCase()}\t`;
    const r = ok(
      await t.gql(CHECK, { input: { idNumber: spaced, name: null, phone: null, content: retelling } }, staff),
    ).checkDuplicate;
    expect(r.verdict).toBe('DUPLICATE');
    expect(r.matches[0]).toMatchObject({
      sameIdentity: true,
      case: { id: ids.housing, petitioner: { clear: false, name: '郑**' } },
    });
    expect(r.matches[0].contentSimilarity).toBeGreaterThan(0.4);
  });

  it('never answers DUPLICATE to a new matter of a known petitioner', async () => {
    const newMatter =
      '2026年3月我在小区门口摔倒骨折，社区卫生服务中心拒绝为我办理慢病门诊报销，医保窗口互相推诿，要求按规定报销医疗费用4600元。';
    const r = ok(
      await t.gql(CHECK, { input: { idNumber: person.idNumber, content: newMatter } }, staff),
    ).checkDuplicate;
    expect(r.verdict).not.toBe('DUPLICATE');
  });

  it('a different person with the same facts is at most POSSIBLE_DUPLICATE', async () => {
    const r = ok(
      await t.gql(CHECK, { input: { idNumber: newIdNumber('19700101'), content: retelling } }, staff),
    ).checkDuplicate;
    expect(r.verdict).toBe('POSSIBLE_DUPLICATE');
    expect(r.matches[0].sameIdentity).toBe(false);
  });

  it('matches by name and phone when no ID number is given', async () => {
    const r = ok(
      await t.gql(CHECK, { input: { name: person.name, phone: person.phone, content: retelling } }, staff),
    ).checkDuplicate;
    expect(['DUPLICATE', 'POSSIBLE_DUPLICATE']).toContain(r.verdict);
    expect(r.matches[0].sameIdentity).toBe(true);
  });

  it('is audited with blind indexes only, never the identity in clear', async () => {
    const before = (
      await t.sql(`select count(*)::int as n from audit_log where operation = 'sharing.checkDuplicate'`)
    )[0].n;
    ok(
      await t.gql(
        CHECK,
        { input: { idNumber: person.idNumber, name: person.name, phone: person.phone, content: retelling } },
        staff,
      ),
    );
    const rows = await t.sql(
      `select * from audit_log where operation = 'sharing.checkDuplicate' order by seq desc limit 1`,
    );
    expect(
      (await t.sql(`select count(*)::int as n from audit_log where operation = 'sharing.checkDuplicate'`))[0]
        .n,
    ).toBe(before + 1);
    const text = JSON.stringify(rows[0]);
    for (const v of [person.idNumber, person.name, person.phone]) expect(text).not.toContain(v);
    expect(rows[0].details.idNumberBidx).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]).toMatchObject({ unit_code: 'ZJ-WZ-MZ', role: 'DEPARTMENT_STAFF' });
  });

  it('refuses a bad ID number, naming the field', async () => {
    const bad = person.idNumber.slice(0, 17) + (person.idNumber[17] === '0' ? '1' : '0');
    const e = errorOf(await t.gql(CHECK, { input: { idNumber: bad, content: retelling } }, staff));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields[0].field).toBe('idNumber');
    expect(e.message).not.toContain(bad);
  });
});

describe('revealPetitioner and the audit of clear reads', () => {
  const REVEAL = `mutation($id: ID!, $r: String!) { revealPetitioner(caseId: $id, reason: $r) { clear name idNumber phone address } }`;

  it('lets a supervisor see one petitioner in clear with a reason, audited with that reason', async () => {
    const sup = await t.token('SUPERVISOR', 'ZJ', '监督员');
    const p = ok(await t.gql(REVEAL, { id: ids.housing, r: '核查回访记录真实性' }, sup)).revealPetitioner;
    expect(p).toEqual({ clear: true, ...person });
    const [entry] = await t.sql(
      `select * from audit_log where operation = 'petitioner.reveal' order by seq desc limit 1`,
    );
    expect(entry).toMatchObject({ reason: '核查回访记录真实性', role: 'SUPERVISOR', case_id: ids.housing });
  });

  it('requires a reason, and only a supervisor may reveal', async () => {
    const sup = await t.token('SUPERVISOR', 'ZJ');
    expect(errorOf(await t.gql(REVEAL, { id: ids.housing, r: ' ' }, sup)).code).toBe('BAD_USER_INPUT');
    for (const [role, unit] of [
      ['DEPARTMENT_STAFF', 'ZJ-HZ-RS'],
      ['ADMIN', 'ZJ'],
      ['CASE_OFFICER', 'ZJ-HZ-ZJ'],
      ['AGENCY_REVIEWER', 'ZJ-HZ'],
    ] as const) {
      expect(
        errorOf(await t.gql(REVEAL, { id: ids.housing, r: '理由理由理由' }, await t.token(role, unit))).code,
      ).toBe('FORBIDDEN');
    }
  });

  it('audits every clear read with the fields shown, and no masked read', async () => {
    const count = async () =>
      (await t.sql(`select count(*)::int as n from audit_log where operation = 'petitioner.read.clear'`))[0]
        .n;
    const before = await count();
    ok(
      await t.gql(
        `query($id: ID!) { case(id: $id) { petitioner { name phone } } }`,
        { id: ids.housing },
        officer,
      ),
    );
    const [entry] = await t.sql(
      `select * from audit_log where operation = 'petitioner.read.clear' order by seq desc limit 1`,
    );
    expect(await count()).toBe(before + 1);
    expect(entry).toMatchObject({ case_id: ids.housing, fields: ['name', 'phone'], role: 'CASE_OFFICER' });
    ok(
      await t.gql(
        `query($id: ID!) { terminatedCase(id: $id) { petitioner { name phone } } }`,
        { id: ids.housing },
        staff,
      ),
    );
    ok(
      await t.gql(`query($id: ID!) { case(id: $id) { petitioner { clear } } }`, { id: ids.housing }, officer),
    );
    expect(await count()).toBe(before + 1);
  });
});

describe('SQL per page', () => {
  // The request budget's spend is a lease taken once per many requests (graphql/request-budget.ts), not the page's.
  const pageStatements = () => t.queries.filter((q) => !/usage_spend\(/.test(q)).length;
  it('terminatedCases costs the same small number of statements for 10 and for 50 rows', async () => {
    for (let i = 0; i < 50; i++) await terminatedCase(t, officer, reviewer, { title: `批量事项 ${i}` });
    const Q = `query($first: Int) { terminatedCases(first: $first) { nodes { id title handlingUnit { code name }
      petitioner { name idNumber } steps { kind decidedAt opinion } termination { decisionNumber decidedAt examiningUnit { name } } } } }`;
    const statements = async (first: number) => {
      t.queries.length = 0;
      const r = ok(await t.gql(Q, { first }, staff));
      expect(r.terminatedCases.nodes).toHaveLength(first);
      return pageStatements();
    };
    const ten = await statements(10);
    const fifty = await statements(50);
    expect(ten).toBeGreaterThan(0); // the counter itself works
    expect(fifty).toBe(ten);
    expect(ten).toBeLessThanOrEqual(6);

    // A supervisor's page with the follow-up of each case: still flat in the page size.
    const sup = await t.token('SUPERVISOR', 'ZJ');
    const F = `query($first: Int) { terminatedCases(first: $first) { nodes { id petitioner { name }
      followUp { archive { complete missing documents { kind } } returnVisits { visitedAt } trackingRecords { observedOn } escalationReports { status } } } } }`;
    const followUpStatements = async (first: number) => {
      t.queries.length = 0;
      const r = ok(await t.gql(F, { first }, sup));
      expect(r.terminatedCases.nodes.every((n: any) => n.followUp?.archive)).toBe(true);
      return pageStatements();
    };
    const f10 = await followUpStatements(10);
    expect(await followUpStatements(50)).toBe(f10);
    if (process.env.SQL_REPORT)
      console.log(
        `terminatedCases SQL statements: first 10 → ${ten}, first 50 → ${fifty}; with followUp (supervisor): ${f10}`,
      );
  }, 120000);
});

describe('duplicate-check allowance', () => {
  it('refuses a user past the hourly allowance, and counts per user', async () => {
    const q = await startTestHub({ DUPLICATE_CHECKS_PER_HOUR: '3' });
    try {
      await loadDemoUnits(q);
      const input = {
        idNumber: newIdNumber('19800101'),
        content: '反映小区物业乱收停车费的问题，要求退还多收的费用。',
      };
      const a = await q.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '甲');
      for (let i = 0; i < 3; i++) ok(await q.gql(CHECK, { input }, a));
      const e = errorOf(await q.gql(CHECK, { input }, a));
      expect(e.code).toBe('RATE_LIMITED');
      expect(e.message).toContain('每小时 3 次');
      const b = await q.token('DEPARTMENT_STAFF', 'ZJ-HZ-SCJG', '乙');
      expect(ok(await q.gql(CHECK, { input }, b)).checkDuplicate.verdict).toBe('NO_MATCH');
      q.clock.now = new Date(Date.now() + 2 * 3600_000); // an hour later the allowance is back
      expect(ok(await q.gql(CHECK, { input }, a)).checkDuplicate.verdict).toBe('NO_MATCH');
    } finally {
      await q.close();
    }
  });

  it('counts checks made at the same moment: aliased fields and parallel requests cannot pass together', async () => {
    const q = await startTestHub({ DUPLICATE_CHECKS_PER_HOUR: '3' });
    try {
      await loadDemoUnits(q);
      const input = { content: '反映小区物业乱收停车费的问题，要求退还多收的费用。' };
      const a = await q.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '甲');
      // five checks in one request (GraphQL resolves them at the same time) …
      const aliased = `query($input: DuplicateCheckInput!) {
        ${[1, 2, 3, 4, 5].map((i) => `c${i}: checkDuplicate(input: $input) { verdict }`).join('\n')} }`;
      // (one refused non-null field nulls the whole answer, so count what was checked in the log;
      // the answer can leave while the allowed fields are still writing their audit entries)
      const r = await q.gql(aliased, { input }, a);
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(r.errors!.every((e: any) => e.extensions?.code === 'RATE_LIMITED')).toBe(true);
      const checked = async (user: string) => {
        const count = async () =>
          (
            await q.sql<{ n: number }>(
              `select count(*)::int as n from audit_log where operation = 'sharing.checkDuplicate' and user_name = $1`,
              [user],
            )
          )[0].n;
        for (let i = 0; i < 50 && (await count()) < 3; i++) await new Promise((w) => setTimeout(w, 20));
        return count();
      };
      expect(await checked('甲')).toBe(3);
      // … and five requests at once from another user
      const b = await q.token('DEPARTMENT_STAFF', 'ZJ-HZ-SCJG', '乙');
      const all = await Promise.all([1, 2, 3, 4, 5].map(() => q.gql(CHECK, { input }, b)));
      expect(all.filter((x) => !x.errors?.length)).toHaveLength(3);
      expect(await checked('乙')).toBe(3);
    } finally {
      await q.close();
    }
  });
});
