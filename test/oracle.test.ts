import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits, newIdNumber, terminatedCase, caseInput } from './helpers/fixtures';
import { signDevToken } from '../src/auth/tokens';
import type { Role } from '../src/access/roles';

/**
 * The duplicate check as an ID oracle (issue 12): a case's facts (every department reads them)
 * and guessed ID numbers must not confirm whose case it is. One user gets at most
 * DUPLICATE_ORACLE_MAX_IDENTITIES_PER_CONTENT (3) identities per content and
 * DUPLICATE_ORACLE_MAX_IDENTITIES_PER_DAY (50) per day, a unit DUPLICATE_CHECKS_PER_UNIT_PER_HOUR
 * checks; refusals by an identity limit are recorded for supervisors.
 */
let t: TestHub;
let officer: string;
let reviewer: string;
const CHECK = `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict matches { sameIdentity case { id } } } }`;
const FACTS =
  '本人2019年在拱墅区祥符街道承包的鱼塘被列入道路建设范围，补偿标准按每亩1.2万元计算，远低于同期周边标准，街道至今未作答复。';
const victimId = newIdNumber('19790315');
const token = (userId: string, role: Role, unitCode: string, hub = t) =>
  signDevToken(hub.config, { userId, role, unitCode, name: userId });
const ACTIVITY = `query($u: String) { inspectionLookupActivity(unitCode: $u, first: 50) { nodes { userId duplicateChecks oracleRefusals total } } }`;
const checksBy = async (userId: string) =>
  (
    await t.sql<{ n: number }>(
      `select count(*)::int as n from audit_log where operation = 'sharing.checkDuplicate' and user_id = $1`,
      [userId],
    )
  )[0].n;

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  officer = await token('oracle-officer', 'CASE_OFFICER', 'ZJ-HZ-ZJ');
  reviewer = await token('oracle-reviewer', 'AGENCY_REVIEWER', 'ZJ-HZ');
  await terminatedCase(
    t,
    officer,
    reviewer,
    caseInput({ factsAndReasons: FACTS }, { idNumber: victimId, name: '俞晓梅' }),
  );
}, 60_000);
afterAll(() => t?.close());

describe('the duplicate check is no ID oracle', () => {
  it('refuses the 4th identity checked against one content with ORACLE_SUSPECTED, even the right one, and records it', async () => {
    const attacker = await token('oracle-attacker', 'DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const wrong = ['19790101', '19790102', '19790103'].map((d) => newIdNumber(d));
    for (const idNumber of wrong) {
      const r = ok(await t.gql(CHECK, { i: { idNumber, content: FACTS } }, attacker)).checkDuplicate;
      expect(r.matches.some((m: any) => m.sameIdentity)).toBe(false);
    }
    const e = errorOf(await t.gql(CHECK, { i: { idNumber: victimId, content: FACTS } }, attacker));
    expect(e.code).toBe('ORACLE_SUSPECTED');
    expect(e.extensions?.reason).toBe('SAME_CONTENT_IDENTITIES');
    expect(e.message).toContain('联系');
    expect(e.message).not.toContain(victimId);
    // re-spaced and re-punctuated, it is the same content
    const respaced = `${FACTS.replace(/，/g, ' ')}！`;
    expect(errorOf(await t.gql(CHECK, { i: { idNumber: victimId, content: respaced } }, attacker)).code).toBe(
      'ORACLE_SUSPECTED',
    );
    // an identity already checked against it is no guess: it still passes
    ok(await t.gql(CHECK, { i: { idNumber: wrong[0], content: FACTS } }, attacker));
    expect(await checksBy('oracle-attacker')).toBe(4);
    // a refused check counts nowhere: its new identity did not enter the day's identities, nor
    // the check the hour's allowance
    const windows = await t.sql<{ kind: string; used: number }>(
      `select kind, used from usage_window where user_id = 'oracle-attacker' and kind in ('dup:hour', 'dup:identities') order by kind`,
    );
    expect(windows).toEqual([
      { kind: 'dup:hour', used: 4 },
      { kind: 'dup:identities', used: 3 },
    ]);

    const [refused] = await t.sql<{ n: number; reason: string; details: any }>(
      `select count(*)::int as n, min(reason) as reason, min(details::text)::jsonb as details from audit_log
        where operation = 'sharing.checkDuplicate.refused' and user_id = 'oracle-attacker'`,
    );
    expect(refused.n).toBe(2);
    expect(refused.reason).toContain('疑似猜测身份证号码');
    expect(refused.details.rule).toBe('SAME_CONTENT_IDENTITIES');
    expect(JSON.stringify(refused.details)).not.toContain(victimId);

    // visible to the supervisors of the unit and above, not to another city's
    const hz = await token('oracle-sup-hz', 'SUPERVISOR', 'ZJ-HZ');
    const row = ok(await t.gql(ACTIVITY, {}, hz)).inspectionLookupActivity.nodes.find(
      (n: any) => n.userId === 'oracle-attacker',
    );
    expect(row).toMatchObject({ duplicateChecks: 4, oracleRefusals: 2, total: 4 });
    const wz = await token('oracle-sup-wz', 'SUPERVISOR', 'ZJ-WZ');
    const other = ok(await t.gql(ACTIVITY, {}, wz)).inspectionLookupActivity.nodes;
    expect(other.find((n: any) => n.userId === 'oracle-attacker')).toBeUndefined();
  });

  it('lets a clerk check 50 different matters of 50 different people in a day, and refuses the 51st identity', async () => {
    const clerk = await token('oracle-clerk', 'DEPARTMENT_STAFF', 'ZJ-HZ-ZJ');
    for (let i = 0; i < 50; i++) {
      const input = {
        idNumber: newIdNumber(
          `1970${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}`,
        ),
        content: `反映第${i + 1}号楼物业公司擅自提高停车费至每月${300 + i}元，业主委员会多次交涉未果，要求恢复原价。`,
      };
      ok(await t.gql(CHECK, { i: input }, clerk));
    }
    const e = errorOf(
      await t.gql(
        CHECK,
        {
          i: {
            idNumber: newIdNumber('19800808'),
            content: '反映菜市场摊位费上涨过快的问题，要求说明收费依据。',
          },
        },
        clerk,
      ),
    );
    expect(e.code).toBe('ORACLE_SUSPECTED');
    expect(e.extensions?.reason).toBe('IDENTITIES_PER_DAY');
    // a check without an identity guesses nothing: still allowed
    ok(await t.gql(CHECK, { i: { content: '反映菜市场摊位费上涨过快的问题，要求说明收费依据。' } }, clerk));
    expect(await checksBy('oracle-clerk')).toBe(51);
    // the next day the limit is back
    t.clock.now = new Date('2026-06-02T04:00:00Z');
    try {
      ok(await t.gql(CHECK, { i: { idNumber: newIdNumber('19800808'), content: FACTS } }, clerk));
    } finally {
      t.clock.now = new Date('2026-06-01T04:00:00Z');
    }
  });

  it('cannot be outrun by parallel or aliased checks: 8 guesses at once, 3 pass', async () => {
    const fast = await token('oracle-parallel', 'DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const ids = Array.from({ length: 8 }, (_, i) => newIdNumber(`1979020${i + 1}`));
    const all = await Promise.all(
      ids.map((idNumber) => t.gql(CHECK, { i: { idNumber, content: FACTS } }, fast)),
    );
    expect(all.filter((r) => !r.errors)).toHaveLength(3);
    expect(all.filter((r) => r.errors).map((r) => errorOf(r).code)).toEqual(
      Array(5).fill('ORACLE_SUSPECTED'),
    );
    expect(await checksBy('oracle-parallel')).toBe(3);
  });
});

describe('the per-unit allowance', () => {
  let u: TestHub;
  beforeAll(async () => {
    u = await startTestHub({ DUPLICATE_CHECKS_PER_UNIT_PER_HOUR: '4' }, { databaseUrl: t.databaseUrl });
    u.clock.now = t.clock.now;
  });
  afterAll(() => u?.close());
  const content = (i: number) => `反映小区电梯长期故障无人维修的问题，要求物业公司尽快修复（第${i}次）。`;

  it('holds across two users of one unit, and not across units', async () => {
    const a = await token('unit-a', 'DEPARTMENT_STAFF', 'ZJ-HZ-SCJG', u);
    const b = await token('unit-b', 'DEPARTMENT_STAFF', 'ZJ-HZ-SCJG', u);
    for (let i = 0; i < 2; i++) ok(await u.gql(CHECK, { i: { content: content(i) } }, a));
    for (let i = 2; i < 4; i++) ok(await u.gql(CHECK, { i: { content: content(i) } }, b));
    const e = errorOf(await u.gql(CHECK, { i: { content: content(5) } }, a));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toContain('本单位');
    expect(e.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // refused by the unit's window, the check took nothing from the user's windows either
    const [{ used }] = await u.sql<{ used: number }>(
      `select used from usage_window where user_id = 'unit-a' and kind = 'dup:hour'`,
    );
    expect(used).toBe(2);
    const c = await token('unit-c', 'DEPARTMENT_STAFF', 'ZJ-WZ-MZ', u);
    ok(await u.gql(CHECK, { i: { content: content(6) } }, c));
  });

  it('is exact for parallel checks of many users of one unit', async () => {
    const users = await Promise.all(
      Array.from({ length: 8 }, (_, i) => token(`unit-p${i}`, 'DEPARTMENT_STAFF', 'ZJ-WZ-OH', u)),
    );
    const all = await Promise.all(
      users.map((tok, i) => u.gql(CHECK, { i: { content: content(10 + i) } }, tok)),
    );
    expect(all.filter((r) => !r.errors)).toHaveLength(4);
    expect(all.filter((r) => r.errors).map((r) => errorOf(r).code)).toEqual(Array(4).fill('RATE_LIMITED'));
    const [{ n }] = await u.sql<{ n: number }>(
      `select count(*)::int as n from audit_log where operation = 'sharing.checkDuplicate' and unit_code = 'ZJ-WZ-OH'`,
    );
    expect(n).toBe(4);
  });
});
