import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import {
  APPLY,
  APPROVE,
  NOTIFY,
  caseThroughProcedure,
  loadDemoUnits,
  newIdNumber,
  terminatedCase,
} from './helpers/fixtures';
import { TRACK } from './helpers/followup';
import { signDevToken } from '../src/auth/tokens';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';
import { todayInChina } from '../src/shared/dates';
import type { Role } from '../src/access/roles';

/**
 * Two hub instances on one database (as behind a load balancer) give the same answers as one:
 * every piece of state that instances could contradict lives in PostgreSQL.
 */
let a: TestHub;
let b: TestHub;
const PER_HOUR = 5;
/** Request i goes to instance A when i is even, B when odd. */
const hubFor = (i: number) => (i % 2 === 0 ? a : b);
const tokenFor = (userId: string, role: Role, unitCode: string) =>
  signDevToken(a.config, { userId, role, unitCode, name: userId });

const CHECK = `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) {
  verdict matches { case { id } sameIdentity contentSimilarity score } } }`;
const FACTS =
  '本人2018年在滨江区长河街道承租的厂房被列入征收范围，评估公司按每平方米2600元评估装修和设备搬迁费用，明显低于市场价格，街道至今未作出书面答复，损失约31万元。';
const person = {
  name: '褚建平',
  idNumber: newIdNumber('19681107'),
  phone: '13757120468',
  address: '浙江省杭州市滨江区长河街道江二社区5幢303室',
};

let officer: string;
let reviewer: string;

beforeAll(async () => {
  const env = { DUPLICATE_CHECKS_PER_HOUR: String(PER_HOUR) };
  a = await startTestHub(env);
  b = await startTestHub(env, { databaseUrl: a.databaseUrl });
  await loadDemoUnits(a);
  a.clock.now = b.clock.now = new Date('2026-06-01T04:00:00Z');
  officer = await tokenFor('officer-1', 'CASE_OFFICER', 'ZJ-HZ-ZJ');
  reviewer = await tokenFor('reviewer-1', 'AGENCY_REVIEWER', 'ZJ-HZ');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('two hub instances on one database', () => {
  it('share one checkDuplicate allowance: N checks across both together, never N per instance', async () => {
    const staff = await tokenFor('dept-quota', 'DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const tries = 4 * PER_HOUR;
    const answers = await Promise.all(
      Array.from({ length: tries }, (_, i) =>
        hubFor(i).gql(CHECK, { i: { content: `${FACTS}（第${i}次）` } }, staff),
      ),
    );
    const passed = answers.filter((r) => !r.errors);
    const refused = answers.filter((r) => r.errors);
    expect(passed.length).toBe(PER_HOUR);
    expect(refused.map((r) => errorOf(r).code)).toEqual(Array(tries - PER_HOUR).fill('RATE_LIMITED'));
    // Refused on either instance once the allowance is spent.
    for (const hub of [a, b])
      expect(errorOf(await hub.gql(CHECK, { i: { content: FACTS } }, staff)).code).toBe('RATE_LIMITED');
    const [{ n }] = await a.sql(
      `select count(*)::int as n from audit_log where user_id = 'dept-quota' and operation = 'sharing.checkDuplicate'`,
    );
    expect(n).toBe(PER_HOUR);
  });

  it('issue gap-free decision numbers when approvals are split across instances', async () => {
    const count = 8;
    const applications: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = await caseThroughProcedure(hubFor(i), officer, { reReview: true, repeat: true });
      applications.push(
        ok(await hubFor(i + 1).gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination
          .id,
      );
    }
    const [before] = await a.sql(
      `select coalesce(max(last_n), 0)::int as n from decision_number_counter c join unit u on u.id = c.agency_unit_id where u.code = 'ZJ-HZ'`,
    );
    // Two reviewers of the agency, each approving half of the applications on its own instance, all at once.
    const reviewer2 = await tokenFor('reviewer-2', 'AGENCY_REVIEWER', 'ZJ-HZ');
    const approved = await Promise.all(
      applications.map((id, i) => hubFor(i).gql(APPROVE, { id }, i % 2 ? reviewer2 : reviewer)),
    );
    const numbers = approved
      .map((r) => Number(/第(\d+)号/.exec(ok(r).approveTermination.decisionNumber)![1]))
      .sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: count }, (_, i) => before.n + 1 + i));
    // Approving one again, on the other instance, is a conflict and issues no number.
    expect(errorOf(await b.gql(APPROVE, { id: applications[0] }, reviewer)).code).toBe('CONFLICT');
    const [after] = await a.sql(
      `select last_n::int as n from decision_number_counter c join unit u on u.id = c.agency_unit_id where u.code = 'ZJ-HZ'`,
    );
    expect(after.n).toBe(before.n + count);
  });

  it('honour an idempotency key whichever instance the retry reaches', async () => {
    const caseId = await terminatedCase(a, officer, reviewer);
    // Terminated today, so every observation is dated today; the situation tells them apart.
    const track = (key: string, situation: string) => ({
      input: {
        caseId,
        observedOn: '2026-06-01',
        riskLevel: 'LOW',
        situation,
        measures: '社区网格员定期走访',
        idempotencyKey: key,
      },
    });
    // Sent to A, the answer lost, sent again to B.
    const first = ok(await a.gql(TRACK, track('scale-trk-1', '信访人情绪平稳'), officer)).recordTracking;
    const retry = ok(await b.gql(TRACK, track('scale-trk-1', '信访人情绪平稳'), officer)).recordTracking;
    expect(retry).toEqual(first);
    // Sent to both at once.
    const both = await Promise.all(
      [a, b].map((h) => h.gql(TRACK, track('scale-trk-2', '信访人生活正常'), officer)),
    );
    expect(ok(both[0]).recordTracking.id).toBe(ok(both[1]).recordTracking.id);
    // The same key with other input, on the other instance: refused.
    expect(errorOf(await a.gql(TRACK, track('scale-trk-2', '信访人又有新诉求'), officer)).code).toBe(
      'CONFLICT',
    );
    const rows = await a.sql(
      `select key, count(*)::int as n from idempotency_key where user_id = 'officer-1' and key like 'scale-trk-%' group by key order by key`,
    );
    expect(rows).toEqual([
      { key: 'scale-trk-1', n: 1 },
      { key: 'scale-trk-2', n: 1 },
    ]);
    const [{ n }] = await a.sql(`select count(*)::int as n from tracking_record where case_id = $1`, [
      caseId,
    ]);
    expect(n).toBe(2);
    const [{ audited }] = await a.sql(
      `select count(*)::int as audited from audit_log where case_id = $1 and operation = 'followup.recordTracking'`,
      [caseId],
    );
    expect(audited).toBe(2);
  });

  it('keep one audit chain under interleaved writes on both instances', async () => {
    const caseId = await terminatedCase(b, officer, reviewer);
    const [{ n: before }] = await a.sql(`select coalesce(max(seq), 0)::int as n from audit_log`);
    const writers = await Promise.all(
      Array.from({ length: 6 }, (_, w) => tokenFor(`chain-${w}`, 'DEPARTMENT_STAFF', 'ZJ-HZ-RS')),
    );
    const CLEAR_READ = `query($id: ID!) { terminatedCase(id: $id) { petitioner { clear name } } }`;
    await Promise.all([
      // Writes (tracking), clear reads (audited after the response is built) and duplicate checks, all at once.
      ...Array.from({ length: 12 }, (_, i) =>
        hubFor(i).gql(
          TRACK,
          {
            input: {
              caseId,
              observedOn: '2026-06-01',
              riskLevel: 'LOW',
              situation: `第${i}次跟踪`,
              measures: '电话回访',
            },
          },
          officer,
        ),
      ),
      ...Array.from({ length: 12 }, (_, i) => hubFor(i + 1).gql(CLEAR_READ, { id: caseId }, officer)),
      ...Array.from({ length: 12 }, (_, i) =>
        hubFor(i).gql(CHECK, { i: { content: `${FACTS}${i}` } }, writers[i % writers.length]),
      ),
    ]).then((rs) => rs.forEach((r) => ok(r)));
    const [{ n: after, rows, links }] = await a.sql(
      `select max(seq)::int as n, count(*)::int as rows, count(distinct prev_hash)::int as links from audit_log`,
    );
    expect(after - before).toBeGreaterThanOrEqual(36);
    expect(rows).toBe(after); // no gap
    expect(links).toBe(rows); // no fork: no two entries follow the same one
    const verified = await verifyAuditChain(a.orm.em.fork());
    expect(verified).toMatchObject({ ok: true, checked: after });
  });

  it('see each other’s changes to units at once (no instance keeps a stale copy)', async () => {
    const admin = await tokenFor('admin-1', 'ADMIN', 'ZJ');
    const NEW_UNIT = `mutation($i: CreateUnitInput!) { createUnit(input: $i) { code name } }`;
    ok(
      await a.gql(
        NEW_UNIT,
        { i: { code: 'ZJ-HZ-BJ-SO', name: '滨江区长河街道', kind: 'DEPARTMENT', parentCode: 'ZJ-HZ' } },
        admin,
      ),
    );
    // A token for the new unit works on B at once; B shows the unit's new name right after A renames it.
    const newcomer = await tokenFor('newcomer', 'DEPARTMENT_STAFF', 'ZJ-HZ-BJ-SO');
    const ME = `{ me { unit { code name } } }`;
    expect(ok(await b.gql(ME, {}, newcomer)).me.unit).toEqual({
      code: 'ZJ-HZ-BJ-SO',
      name: '滨江区长河街道',
    });
    ok(
      await a.gql(
        `mutation { renameUnit(code: "ZJ-HZ-BJ-SO", name: "滨江区长河街道办事处") { name } }`,
        {},
        admin,
      ),
    );
    for (const hub of [b, a])
      expect(ok(await hub.gql(ME, {}, newcomer)).me.unit.name).toBe('滨江区长河街道办事处');
  });

  it('answer the same duplicate check the same way on either instance', async () => {
    const checker = await tokenFor('dept-same', 'DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const input = { i: { idNumber: person.idNumber, content: FACTS } };
    // A answers once (warming whatever it caches), then a matching case is terminated through B.
    expect(ok(await a.gql(CHECK, input, checker)).checkDuplicate.verdict).toBe('NO_MATCH');
    const caseId = await caseThroughProcedure(b, officer, {
      reReview: true,
      repeat: true,
      input: { petitioner: person, factsAndReasons: FACTS, title: '反映长河街道厂房征收评估过低' },
    });
    const app = ok(
      await b.gql(APPLY, { id: caseId, c: 'REPEAT_AFTER_RE_REVIEW' }, officer),
    ).applyForTermination;
    ok(await b.gql(APPROVE, { id: app.id }, reviewer));
    ok(await b.gql(NOTIFY, { id: caseId, at: todayInChina(b.clock.now) }, officer));
    const [fromA, fromB] = await Promise.all([a, b].map(async (h) => ok(await h.gql(CHECK, input, checker))));
    expect(fromA).toEqual(fromB);
    expect(fromA.checkDuplicate.verdict).toBe('DUPLICATE');
    expect(fromA.checkDuplicate.matches[0].case.id).toBe(caseId);
  });
});
