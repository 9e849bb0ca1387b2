import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, STEP, caseInput, loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { startPrimaryAndReplica, type PrimaryAndReplica } from './helpers/replica';
import { initOrm, migrate } from '../src/db/orm';
import { signDevToken } from '../src/auth/tokens';
import { allowReplicaReads, readOnlyExecute, withReadRouting } from '../src/db/replicas';

/**
 * A hub with DATABASE_REPLICA_URLS against a real streaming replica (started here from a base
 * backup of its own primary): read-only look-ups go to the replica, writes and the writer's
 * next requests to the primary.
 */
let pr: PrimaryAndReplica;
let t: TestHub;
let writer: string;
let reader: string;
const WINDOW_SECONDS = 2;

const LOOK_UP = `query LookUp($id: ID!) { case(id: $id) { id title } }`;

beforeAll(async () => {
  pr = await startPrimaryAndReplica();
  const orm = await initOrm(pr.primaryUrl);
  await migrate(orm);
  await orm.close();
  t = await startTestHub(
    { DATABASE_REPLICA_URLS: pr.replicaUrl, READ_YOUR_WRITES_SECONDS: String(WINDOW_SECONDS) },
    { databaseUrl: pr.primaryUrl },
  );
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  const token = (userId: string) =>
    signDevToken(t.config, { userId, role: 'CASE_OFFICER', unitCode: 'ZJ-HZ-ZJ', name: userId });
  writer = await token('officer-writer');
  reader = await token('officer-reader');
  await pr.caughtUp();
}, 120_000);
afterAll(async () => {
  await t?.close();
  await pr?.stop();
});

/** The statements the hub sent while running fn, each with the connection MikroORM used. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  t.queries.length = 0;
  await fn();
  return [...t.queries];
}
const onReplica = (qs: string[], table: string) =>
  qs.filter((q) => q.includes(`"${table}"`) && q.includes(`via read connection 'replica1'`));
const onPrimary = (qs: string[], table: string) =>
  qs.filter((q) => q.includes(`"${table}"`) && !q.includes('via read connection'));

async function pauseReplay(paused: boolean) {
  await pr.replica.query(paused ? 'select pg_wal_replay_pause()' : 'select pg_wal_replay_resume()');
  for (;;) {
    const [{ state }] = (await pr.replica.query(`select pg_get_wal_replay_pause_state() as state`)).rows;
    if ((state === 'paused') === paused) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('read replicas', () => {
  it('runs against a real streaming replica of the primary', async () => {
    const [standby] = (await pr.replica.query(`select pg_is_in_recovery() as recovering`)).rows;
    expect(standby.recovering).toBe(true);
    const streams = (await pr.primary.query(`select application_name, state from pg_stat_replication`)).rows;
    expect(streams).toEqual([{ application_name: 'hub_test_standby', state: 'streaming' }]);
    await expect(pr.replica.query(`insert into recent_write values ('x', now())`)).rejects.toMatchObject({
      code: '25006', // read-only transaction
    });
  });

  it('sends a read-only look-up to the replica', async () => {
    const id = ok(await t.gql(REGISTER, { input: caseInput({ title: '副本读取的事项' }) }, writer))
      .registerCase.id;
    await pr.caughtUp();
    let found: any;
    const qs = await statementsOf(async () => {
      found = ok(await t.gql(LOOK_UP, { id }, reader)).case;
    });
    expect(found).toEqual({ id, title: '副本读取的事项' });
    expect(onReplica(qs, 'petition_case')).toHaveLength(1);
    expect(onPrimary(qs, 'petition_case')).toHaveLength(0);
    // The replica's own view: one of its sessions, the hub's, ran that statement.
    const { rows } = await pr.replica.query(
      `select query from pg_stat_activity where datname = 'hub' and pid <> pg_backend_pid() and query like '%petition_case%'`,
    );
    expect(rows.length).toBeGreaterThan(0);
  });

  it('reads a writer’s own write from the primary while the replica lags; others read the replica', async () => {
    await pauseReplay(true); // the replica stops applying WAL: it lags behind by everything written from now
    try {
      const id = ok(await t.gql(REGISTER, { input: caseInput({ title: '刚登记的事项' }) }, writer))
        .registerCase.id;
      // The writer's next request sees the write (primary) …
      let mine: any;
      const qs = await statementsOf(async () => {
        mine = ok(await t.gql(LOOK_UP, { id }, writer)).case;
      });
      expect(mine).toEqual({ id, title: '刚登记的事项' });
      expect(onPrimary(qs, 'petition_case')).toHaveLength(1);
      expect(onReplica(qs, 'petition_case')).toHaveLength(0);
      // … another user's read goes to the replica, which does not have it yet.
      expect(errorOf(await t.gql(LOOK_UP, { id }, reader)).code).toBe('NOT_FOUND');
      // A mutation never reads from the replica, whoever sends it.
      ok(
        await t.gql(
          STEP,
          {
            input: {
              caseId: id,
              kind: 'HANDLING',
              opinion: '办理意见',
              decidedAt: '2026-02-10',
              deliveredAt: '2026-02-12',
            },
          },
          reader,
        ),
      );
      // The rule is a window: once it has passed, the writer reads the (still lagging) replica too.
      await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 300));
      expect(errorOf(await t.gql(LOOK_UP, { id }, writer)).code).toBe('NOT_FOUND');
      await pauseReplay(false);
      await pr.caughtUp();
      expect(ok(await t.gql(LOOK_UP, { id }, reader)).case.id).toBe(id);
    } finally {
      await pauseReplay(false);
    }
  });

  it('returns an archive created on first access although the replica does not have it yet', async () => {
    const reviewer = signDevToken(t.config, {
      userId: 'reviewer-archive',
      role: 'AGENCY_REVIEWER',
      unitCode: 'ZJ-HZ',
      name: 'reviewer-archive',
    });
    const id = await terminatedCase(t, writer, await reviewer);
    await t.sql(`delete from termination_archive where case_id = $1`, [id]); // e.g. an imported case
    await pr.caughtUp();
    const follower = await signDevToken(t.config, {
      userId: 'officer-follower',
      role: 'CASE_OFFICER',
      unitCode: 'ZJ-HZ-ZJ',
      name: 'officer-follower',
    });
    await pauseReplay(true);
    try {
      const r = ok(
        await t.gql(`query($id: ID!) { followUp(caseId: $id) { archive { id } } }`, { id }, follower),
      );
      expect(r.followUp.archive.id).toBeTruthy();
    } finally {
      await pauseReplay(false);
    }
  });

  it('sends raw read-only SQL to the replica only where a service opts in and the request allows it', async () => {
    const em = t.orm.em.fork();
    const recovering = async () =>
      (await readOnlyExecute<{ r: boolean }[]>(em, 'select pg_is_in_recovery() as r'))[0].r;
    expect(await recovering()).toBe(false); // outside a request: primary
    expect(await withReadRouting(recovering)).toBe(false); // a request not (yet) allowed: primary
    expect(
      await withReadRouting(() => {
        allowReplicaReads();
        return recovering();
      }),
    ).toBe(true);
    // Plain em.execute always uses the primary.
    const plain = await withReadRouting(async () => {
      allowReplicaReads();
      return (await em.execute<{ r: boolean }[]>('select pg_is_in_recovery() as r'))[0].r;
    });
    expect(plain).toBe(false);
  });

  it('shows both pools in the metrics', async () => {
    const text = await (await fetch(t.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/^hub_db_pool_connections\{pool="primary",state="free"\} \d+/m);
    expect(text).toMatch(/^hub_db_pool_connections\{pool="replica1",state="free"\} \d+/m);
  });
});
