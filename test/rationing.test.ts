import { errorOf, ok, startTestHub, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { signDevToken } from '../src/auth/tokens';

/**
 * Issue 12: the per-user request budget (query cost per minute, shared by every instance through
 * PostgreSQL) and the reveal allowance (per hour, per day, exact under concurrency, with a burst
 * recorded for supervisors' review).
 */

const UNITS = `{ units { code name } }`; // cost 1 + 200 × 2 = 401 under the hub's cost model
const ME = `{ me { userId role unit { code } } }`;

async function rawPost(t: TestHub, query: string, token: string) {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

describe('per-user request budget (REQUEST_BUDGET_PER_MINUTE)', () => {
  const env = { GRAPHQL_MAX_COST: '500', REQUEST_BUDGET_PER_MINUTE: '1000' };
  let a: TestHub;
  let b: TestHub; // a second instance on the same database
  let heavy: string;
  let other: string;

  beforeAll(async () => {
    a = await startTestHub(env);
    b = await startTestHub(env, { databaseUrl: a.databaseUrl });
    await loadDemoUnits(a);
    heavy = await signDevToken(a.config, {
      userId: 'user:heavy',
      role: 'DEPARTMENT_STAFF',
      unitCode: 'ZJ-HZ-RS',
    });
    other = await signDevToken(a.config, {
      userId: 'user:other',
      role: 'DEPARTMENT_STAFF',
      unitCode: 'ZJ-HZ-RS',
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const setClock = (iso: string) => {
    a.clock.now = new Date(iso);
    b.clock.now = new Date(iso);
  };

  it('refuses a user over budget with RATE_LIMITED and a retry hint, while another user is served correctly', async () => {
    setClock('2026-10-15T04:00:30Z');
    const expected = ok(await a.gql(UNITS, {}, other)).units;
    expect(expected.length).toBeGreaterThan(5);
    // 401 (other, above) is not the heavy user's; the heavy user has 1000 a minute: 401 + 401 fit, 401 more does not.
    ok(await a.gql(UNITS, {}, heavy));
    ok(await a.gql(UNITS, {}, heavy));
    const refused = await rawPost(a, UNITS, heavy);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('30');
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
    expect(refused.body.errors[0].message).toMatch(/请求过于频繁.*30 秒后重试/);

    // Meanwhile the other user is neither refused nor given a different answer.
    const heavyFlood = Array.from({ length: 20 }, () => a.gql(UNITS, {}, heavy));
    const others = await Promise.all([a.gql(UNITS, {}, other), a.gql(ME, {}, other)]);
    const flood = await Promise.all(heavyFlood);
    expect(flood.every((r) => errorOf(r).code === 'RATE_LIMITED')).toBe(true);
    expect(ok(others[0]).units).toEqual(expected);
    expect(ok(others[1]).me).toEqual({
      userId: 'user:other',
      role: 'DEPARTMENT_STAFF',
      unit: { code: 'ZJ-HZ-RS' },
    });
  });

  it('is shared by two hub instances on one database', async () => {
    setClock('2026-10-15T04:05:10Z');
    const user = await signDevToken(a.config, {
      userId: 'user:two-instances',
      role: 'DEPARTMENT_STAFF',
      unitCode: 'ZJ-HZ-RS',
    });
    ok(await a.gql(UNITS, {}, user));
    ok(await b.gql(UNITS, {}, user));
    // 802 spent across both; the third heavy query is refused on either instance.
    const onA = await a.gql(UNITS, {}, user);
    const onB = await b.gql(UNITS, {}, user);
    expect(errorOf(onA).code).toBe('RATE_LIMITED');
    expect(errorOf(onB)).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfterSeconds: 50 } });
    // Cheap requests still fit what is left (1000 - 802).
    ok(await b.gql(ME, {}, user));
    const [row] = await a.sql(
      `select used, cap from usage_window where user_id = $1 and kind = 'request:minute'`,
      ['user:two-instances'],
    );
    expect(row.cap).toBe(1000);
    expect(row.used).toBeGreaterThan(802);
    expect(row.used).toBeLessThanOrEqual(1000);
  });

  it('never lets cheap parallel requests on two instances spend more than the budget, with leases of it', async () => {
    setClock('2026-10-15T04:07:10Z');
    const user = await signDevToken(a.config, {
      userId: 'user:leases',
      role: 'DEPARTMENT_STAFF',
      unitCode: 'ZJ-HZ-RS',
    });
    const CHEAP = `{ me { userId } }`; // cost 2: 500 of them fit the 1000
    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) => (i % 2 ? a : b).gql(CHEAP, {}, user)),
    );
    const served = answers.filter((r) => !r.errors).length;
    expect(answers.filter((r) => r.errors).every((r) => errorOf(r).code === 'RATE_LIMITED')).toBe(true);
    // Never more than the budget, whichever instance served them …
    expect(served * 2).toBeLessThanOrEqual(1000);
    // … and at most one lease per instance (1000 / 16 = 62) left unspent.
    expect(served * 2).toBeGreaterThanOrEqual(1000 - 2 * 62);
    const [row] = await a.sql(
      `select used from usage_window where user_id = $1 and kind = 'request:minute'`,
      ['user:leases'],
    );
    expect(row.used).toBeLessThanOrEqual(1000);
    expect(row.used).toBeGreaterThanOrEqual(served * 2);
    // Leased: far fewer statements than requests (each instance spends a lease of 31 requests at once).
    a.queries.length = 0;
    setClock('2026-10-15T04:08:10Z');
    for (let i = 0; i < 20; i++) ok(await a.gql(CHEAP, {}, user));
    expect(a.queries.filter((q) => /usage_spend\(/.test(q)).length).toBeLessThanOrEqual(1);
  });

  it('gives the budget back in the next minute', async () => {
    setClock('2026-10-15T04:10:59Z');
    const user = await signDevToken(a.config, {
      userId: 'user:next-minute',
      role: 'DEPARTMENT_STAFF',
      unitCode: 'ZJ-HZ-RS',
    });
    ok(await a.gql(UNITS, {}, user));
    ok(await a.gql(UNITS, {}, user));
    expect(errorOf(await a.gql(UNITS, {}, user)).extensions.retryAfterSeconds).toBe(1);
    setClock('2026-10-15T04:11:00Z');
    ok(await b.gql(UNITS, {}, user));
  });

  it('does not count the unauthenticated { __typename } probe', async () => {
    const res = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
  });
});

describe('reveal allowance (REVEALS_PER_HOUR / REVEALS_PER_DAY / REVEAL_BURST_PER_HOUR)', () => {
  const REVEAL = `mutation($id: ID!, $r: String!) { revealPetitioner(caseId: $id, reason: $r) { clear name } }`;
  let t: TestHub;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestHub({ REVEALS_PER_HOUR: '5', REVEALS_PER_DAY: '8', REVEAL_BURST_PER_HOUR: '4' });
    await loadDemoUnits(t);
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
    const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
    t.clock.now = new Date('2026-10-15T02:00:00Z');
    caseId = await terminatedCase(t, officer, reviewer);
  });
  afterAll(async () => t?.close());

  const supervisor = (id: string, unit = 'ZJ') =>
    signDevToken(t.config, { userId: id, role: 'SUPERVISOR', unitCode: unit, name: '监督员' });
  const reveals = async (userId: string) =>
    (
      await t.sql(
        `select count(*)::int as n from audit_log where operation = 'petitioner.reveal' and user_id = $1`,
        [userId],
      )
    )[0].n;

  it('lets aliased reveals in one request pass only up to the hourly allowance, each audited with its reason', async () => {
    t.clock.now = new Date('2026-10-15T03:20:00Z'); // 11:20 in Beijing
    const sup = await supervisor('sup:aliased');
    const aliases = Array.from(
      { length: 7 },
      (_, i) => `r${i}: revealPetitioner(caseId: $id, reason: "核查回访记录第${i}次") { clear name }`,
    );
    const r = await t.gql(`mutation($id: ID!) { ${aliases.join(' ')} }`, { id: caseId }, sup);
    // Mutations run one after another; the 6th is refused, and as revealPetitioner is non-null
    // the refusal nulls the whole answer (so the five clear answers are withheld as well).
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].path).toEqual(['r5']);
    expect(r.errors![0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 40 * 60 });
    expect(r.errors![0].message).toMatch(/查看明文次数已达上限（每小时 5 次、每天 8 次）/);
    expect(await reveals('sup:aliased')).toBe(5);
    const reasons = await t.sql(
      `select reason from audit_log where operation = 'petitioner.reveal' and user_id = 'sup:aliased' order by seq`,
    );
    expect(reasons.map((x) => x.reason)).toEqual([0, 1, 2, 3, 4].map((i) => `核查回访记录第${i}次`));
  });

  it('lets parallel requests pass exactly up to the allowance, then the day allowance holds across hours', async () => {
    t.clock.now = new Date('2026-10-15T05:10:00Z');
    const sup = await supervisor('sup:parallel');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.gql(REVEAL, { id: caseId, r: `并发核查第${i}次` }, sup)),
    );
    expect(answers.filter((a) => a.data?.revealPetitioner?.clear === true)).toHaveLength(5);
    expect(answers.filter((a) => a.errors?.[0]?.extensions?.code === 'RATE_LIMITED')).toHaveLength(7);
    expect(await reveals('sup:parallel')).toBe(5);
    // Next hour: 3 more fit the day's 8, the 4th does not (until Beijing midnight, 16:00 UTC).
    t.clock.now = new Date('2026-10-15T06:00:00Z');
    for (let i = 0; i < 3; i++) ok(await t.gql(REVEAL, { id: caseId, r: '次小时核查' }, sup));
    const refused = errorOf(await t.gql(REVEAL, { id: caseId, r: '次小时核查' }, sup));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfterSeconds: 10 * 3600 } });
    t.clock.now = new Date('2026-10-15T16:00:00Z');
    ok(await t.gql(REVEAL, { id: caseId, r: '次日核查' }, sup));
    expect(await reveals('sup:parallel')).toBe(9);
  });

  it('records a burst once per hour for the supervisors of the unit, visible in inspectionLookupActivity', async () => {
    const bursts = await t.sql(
      `select user_id, unit_code, reason, details from audit_log where operation = 'petitioner.reveal.burst' order by seq`,
    );
    // sup:aliased reached 4 in its hour once; sup:parallel reached 4 in 05:00–06:00 once (06:00 hour had 3).
    expect(bursts.map((b) => b.user_id)).toEqual(['sup:aliased', 'sup:parallel']);
    expect(bursts[0]).toMatchObject({ unit_code: 'ZJ', details: { revealsThisHour: 4, burstPerHour: 4 } });
    expect(bursts[0].reason).toMatch(/一小时内查看明文达到 4 次/);

    const lead = await t.token('SUPERVISOR', 'ZJ', '监督组长');
    const q = `{ inspectionLookupActivity(first: 10) { nodes { userId reveals revealBursts total } } }`;
    const nodes = ok(await t.gql(q, {}, lead)).inspectionLookupActivity.nodes;
    const byUser = Object.fromEntries(nodes.map((n: any) => [n.userId, n]));
    expect(byUser['sup:aliased']).toMatchObject({ reveals: 5, revealBursts: 1 });
    expect(byUser['sup:parallel']).toMatchObject({ reveals: 9, revealBursts: 1 });
    // A supervisor of another city does not see the ZJ supervisors' activity.
    const wz = await t.token('SUPERVISOR', 'ZJ-WZ', '何监督');
    const wzNodes = ok(await t.gql(q, {}, wz)).inspectionLookupActivity.nodes;
    expect(wzNodes.find((n: any) => n.userId.startsWith('sup:'))).toBeUndefined();
  });

  it('counts per user: another supervisor still has its own allowance', async () => {
    const sup = await supervisor('sup:fresh');
    expect(ok(await t.gql(REVEAL, { id: caseId, r: '独立核查' }, sup)).revealPetitioner.clear).toBe(true);
  });
});
