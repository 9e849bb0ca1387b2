import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded';
import { initOrm, migrate } from '../src/db/orm';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { caseInput, loadDemoUnits, REGISTER } from './helpers/fixtures';

/**
 * The database going away, against a real PostgreSQL of the test's own (an embedded cluster in a
 * temporary directory) that the test stops, starts and kills: requests are refused with a clear,
 * retryable 503 within DATABASE_TIMEOUT_MS, /readyz says so, and the hub recovers by itself; a
 * killed embedded postmaster is restarted by the hub.
 */
const TIMEOUT_MS = 1500;
let dataDir: string;
let port: number;
let pg: EmbeddedPostgres;
let t: TestHub;
let officer: string;
const pgLog: string[] = [];
const start = () => startEmbeddedPostgres({ dataDir, port, database: 'hub', log: (l) => pgLog.push(l) });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-fault-pg-'));
  port = await findFreePort();
  pg = await start();
  const orm = await initOrm(pg.url);
  await migrate(orm);
  await orm.close();
  t = await startTestHub({ DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) }, { databaseUrl: pg.url });
  await loadDemoUnits(t);
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
}, 120_000);
afterAll(async () => {
  await t?.close();
  await pg?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const base = () => t.url.replace(/\/graphql$/, '');
const readyz = async () => (await fetch(`${base()}/readyz`)).status;
async function until<T>(what: () => Promise<T>, good: (v: T) => boolean, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const v = await what().catch(() => undefined as T);
    if (v !== undefined && good(v)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('waits for a free connection when the pool is full: load makes an answer slower, never refused', async () => {
  const client = t.orm.em.getConnection().getKnex().client;
  const max = t.orm.config.get('pool')!.max!;
  const held = await Promise.all(Array.from({ length: max }, () => client.acquireConnection()));
  const answer = t.gql('{ me { userId } }', {}, officer);
  // held past DATABASE_TIMEOUT_MS, then given back
  await new Promise((r) => setTimeout(r, TIMEOUT_MS + 500));
  for (const c of held) await client.releaseConnection(c);
  const r = await answer;
  expect(r.status).toBe(200);
  expect(ok(r).me.userId).toBeTruthy();
}, 30_000);

it('answers 503 DATABASE_UNAVAILABLE (retryable) while the database is down, and recovers by itself', async () => {
  ok(await t.gql(REGISTER, { input: caseInput() }, officer));
  await pg.stop();

  const read = await t.gql('{ me { userId } }', {}, officer);
  expect(read.status).toBe(503);
  expect(errorOf(read)).toMatchObject({
    code: 'DATABASE_UNAVAILABLE',
    extensions: { retryable: true, retryAfterSeconds: 5 },
  });
  expect(errorOf(read).message).toContain('数据库暂时不可用');
  expect(await readyz()).toBe(503);

  // A write is refused with the same clear error, within the configured limit, not hanging.
  const started = Date.now();
  const write = await t.gql(REGISTER, { input: caseInput() }, officer);
  const refusedAfterMs = Date.now() - started;
  expect(write.status).toBe(503);
  expect(errorOf(write).code).toBe('DATABASE_UNAVAILABLE');
  expect(refusedAfterMs).toBeLessThan(TIMEOUT_MS + 5000);

  // The plain HTTP routes too.
  for (const route of ['/reports/followup.csv', '/files/1']) {
    const res = await fetch(base() + route, { headers: { authorization: `Bearer ${officer}` } });
    expect({ route, status: res.status }).toEqual({ route, status: 503 });
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as any).error.code).toBe('DATABASE_UNAVAILABLE');
  }
  // Nothing internal was logged as an unexpected error.
  expect(t.logs.filter((l) => l.includes('unexpected error'))).toEqual([]);

  pg = await start();
  const recoveredMs = await until(
    () => t.gql('{ me { userId } }', {}, officer),
    (r) => r.status === 200,
    15_000,
  );
  expect(await readyz()).toBe(200);
  ok(await t.gql(REGISTER, { input: caseInput() }, officer));
  const cases = ok(await t.gql('{ cases(first: 10) { totalCount } }', {}, officer));
  expect(cases.cases.totalCount).toBe(2);
  console.log(
    `database stopped: write refused after ${refusedAfterMs} ms; recovered ${recoveredMs} ms after the restart`,
  );
}, 60_000);

it('restarts its embedded PostgreSQL after kill -9 of the postmaster, and the hub answers again', async () => {
  const before = pg.pid()!;
  expect(before).toBeGreaterThan(0);
  process.kill(before, 'SIGKILL');
  // Right after the kill, a pooled connection's backend may still answer /readyz for a moment:
  // wait for the new postmaster, then for the hub to answer through it.
  const backMs = await until(
    async () => (pg.pid() !== before ? readyz() : 0),
    (s) => s === 200,
    20_000,
  );
  expect(pg.pid()).not.toBe(before);
  expect(pgLog.some((l) => l.includes('restarted after a crash'))).toBe(true);
  // The data is all there, and writes work again.
  expect(ok(await t.gql('{ cases(first: 10) { totalCount } }', {}, officer)).cases.totalCount).toBe(2);
  ok(await t.gql(REGISTER, { input: caseInput() }, officer));
  console.log(`postmaster killed: the hub answered /readyz again after ${backMs} ms`);
}, 60_000);
