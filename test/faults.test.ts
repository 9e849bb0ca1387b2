import 'reflect-metadata';
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded';
import { initOrm, migrate } from '../src/db/orm';
import { loadConfig, type Config } from '../src/config';
import { createApp, type Hub } from '../src/app';
import { createLogger } from '../src/logger';
import { signDevToken } from '../src/auth/tokens';
import type { MikroORM } from '@mikro-orm/postgresql';
import { caseInput, loadDemoUnits } from './helpers/fixtures';

/**
 * Issue 12, faults: a real PostgreSQL of the test's own (embedded, in a temporary directory) is
 * killed with SIGKILL under a bounded write load and started again. While it is gone the hub
 * says `/readyz` 503 and refuses writes at once with DATABASE_UNAVAILABLE (retryable, HTTP 503);
 * when it is back the hub recovers by itself; every write acknowledged is found afterwards and
 * the clients' retries with the same idempotency key duplicated nothing. Then SIGTERM to a real
 * `src/main.ts` process under load: the requests in flight are all answered.
 *
 * Prints the counts (acknowledged, found, duplicates) for the note.
 */
jest.setTimeout(240_000);

const REGISTER = `mutation($input: RegisterCaseInput!) { registerCase(input: $input) { id title } }`;
const LOAD_QUERY = `{ terminatedCases(first: 50) { totalCount nodes { id title } } units { code } }`;
/** Liveness bound on a refusal while the database is gone (not a speed claim). */
const REFUSAL_BOUND_MS = 5_000;

let dataDir: string;
let port: number;
let pg: EmbeddedPostgres;
let url: string;
const pgLog: string[] = [];

const startPg = async () => {
  // the test itself starts it again (the hub's own restart of a crashed cluster: database-faults.test.ts)
  pg = await startEmbeddedPostgres({
    dataDir,
    port,
    database: 'faults',
    log: (l) => pgLog.push(l),
    restartOnCrash: false,
  });
  url = pg.url;
};

async function sql<R = any>(text: string, params: unknown[] = []): Promise<R[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params as unknown[])).rows as R[];
  } finally {
    await c.end();
  }
}

async function postmasterPid(): Promise<number> {
  const [{ data_directory }] = await sql<{ data_directory: string }>('show data_directory');
  return Number(fs.readFileSync(path.join(data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-faults-pg-'));
  port = await findFreePort();
  await startPg();
  const orm = await initOrm(url);
  await migrate(orm);
  await loadDemoUnits({ orm });
  await orm.close();
});

afterAll(async () => {
  await pg?.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('database killed and restarted under a write load', () => {
  let config: Config;
  let orm: MikroORM;
  let hub: Hub;
  let base: string;

  beforeAll(async () => {
    config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });
    orm = await initOrm(url);
    hub = await createApp({ config, orm, logger: createLogger('silent') });
    base = `http://127.0.0.1:${await hub.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await hub?.stop();
    await orm?.close();
  });

  it('answers /readyz false and refuses writes at once while it is gone, recovers, and loses or duplicates nothing', async () => {
    const officers = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        signDevToken(config, {
          userId: `fault-officer-${i}`,
          role: 'CASE_OFFICER',
          unitCode: 'ZJ-HZ-ZJ',
          name: `经办${i}`,
        }),
      ),
    );
    const post = async (token: string, query: string, variables: unknown) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as any,
      };
    };

    const PER_CLIENT = 25;
    const MAX_ATTEMPTS = 400;
    const acked: { key: string; id: string; title: string }[] = [];
    const refusals: Record<string, number> = {};
    let attemptsTotal = 0;
    let gaveUp = 0;
    const client = async (i: number) => {
      for (let n = 0; n < PER_CLIENT; n++) {
        const key = `fault-${i}-${n}`;
        const input = caseInput({ idempotencyKey: key, title: `故障演练 ${i}-${n}` });
        let done = false;
        for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
          attemptsTotal++;
          try {
            const r = await post(officers[i], REGISTER, { input });
            const c = r.body.data?.registerCase;
            if (r.status === 200 && c && !r.body.errors) {
              acked.push({ key, id: c.id, title: c.title });
              done = true;
            } else {
              const code = r.body.errors?.[0]?.extensions?.code ?? 'NONE';
              const tag = `${r.status} ${code}${r.body.errors?.[0]?.extensions?.retryable ? ' retryable' : ''}`;
              refusals[tag] = (refusals[tag] ?? 0) + 1;
              await sleep(50);
            }
          } catch (e) {
            const tag = `fetch ${(e as Error).name}`;
            refusals[tag] = (refusals[tag] ?? 0) + 1;
            await sleep(50);
          }
        }
        if (!done) gaveUp++;
      }
    };

    const load = Promise.all([0, 1, 2, 3].map(client));
    while (acked.length < 20) await sleep(20);

    // Kill the postmaster outright, as a crash would.
    const pid = await postmasterPid();
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && alive(pid); i++) await sleep(25);
    expect(alive(pid)).toBe(false);
    const ackedAtKill = acked.length;

    // While it is gone: /readyz false, and a write is refused at once with a retryable code.
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(REFUSAL_BOUND_MS) });
    expect(ready.status).toBe(503);
    const t0 = Date.now();
    const refused = await post(officers[0], REGISTER, {
      input: caseInput({ idempotencyKey: 'during-outage' }),
    });
    const refusalMs = Date.now() - t0;
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('5');
    expect(refused.body.errors[0].extensions).toEqual({
      code: 'DATABASE_UNAVAILABLE',
      retryable: true,
      retryAfterSeconds: 5,
    });
    expect(refused.body.errors[0].message).toMatch(/数据库暂时不可用/);
    expect(refusalMs).toBeLessThan(REFUSAL_BOUND_MS);
    await sleep(1500); // the clients keep retrying meanwhile

    await pg.stop().catch(() => undefined); // the dead server's handle
    const restartT0 = Date.now();
    await startPg();
    const restartMs = Date.now() - restartT0;

    // The hub recovers by itself: /readyz true again without touching it.
    let readyAgain = false;
    for (let i = 0; i < 100 && !readyAgain; i++) {
      readyAgain = (await fetch(`${base}/readyz`)).status === 200;
      if (!readyAgain) await sleep(100);
    }
    expect(readyAgain).toBe(true);
    await load;

    const found = await sql<{ id: string; title: string }>(
      `select id::text as id, title from petition_case where title like '故障演练 %'`,
    );
    const byTitle = new Map<string, number>();
    for (const r of found) byTitle.set(r.title, (byTitle.get(r.title) ?? 0) + 1);
    const duplicates = [...byTitle.values()].reduce((s, n) => s + (n - 1), 0);
    const foundIds = new Set(found.map((r) => r.id));
    const missing = acked.filter((a) => !foundIds.has(a.id));
    const auditOk = await sql<{ n: number }>(
      `select count(*)::int as n from audit_log where operation = 'case.register' and user_id like 'fault-officer-%'`,
    );

    console.log(
      [
        `faults: ${acked.length} writes acknowledged (${ackedAtKill} before the kill), ${found.length} found afterwards, ` +
          `${duplicates} duplicates after retries, ${missing.length} acknowledged but missing, ${gaveUp} given up`,
        `faults: ${attemptsTotal} attempts; refusals by status/code: ${JSON.stringify(refusals)}`,
        `faults: refusal while down ${refusalMs} ms (bound ${REFUSAL_BOUND_MS} ms); PostgreSQL restart ${restartMs} ms`,
      ].join('\n'),
    );
    expect(gaveUp).toBe(0);
    expect(acked).toHaveLength(4 * PER_CLIENT);
    expect(found).toHaveLength(acked.length);
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
    expect(auditOk[0].n).toBe(acked.length);
    // Every refusal the clients saw was the retryable one (or a connection cut mid-answer), but
    // for at most two internal errors in the instant of the kill: a write whose connection died
    // inside its transaction is sometimes answered INTERNAL_SERVER_ERROR (a known defect, left
    // open; the write is not acknowledged, and its retry with the same key lands once: above).
    const { '200 INTERNAL_SERVER_ERROR': internal = 0, ...others } = refusals;
    expect(internal).toBeLessThanOrEqual(2);
    for (const tag of Object.keys(others))
      expect(tag).toMatch(/^(503 DATABASE_UNAVAILABLE retryable|fetch )/);
  });
});

describe('SIGTERM under load', () => {
  it('lets the requests in flight finish, then exits 0', async () => {
    const hubPort = await findFreePort();
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: url,
      PORT: String(hubPort),
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (d) => output.push(String(d)));
    child.stderr.on('data', (d) => output.push(String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${hubPort}`;
      let up = false;
      for (let i = 0; i < 600 && !up; i++) {
        up = await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await sleep(100);
      }
      expect(up).toBe(true);
      const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });
      const officer = await signDevToken(config, {
        userId: 'sigterm-officer',
        role: 'CASE_OFFICER',
        unitCode: 'ZJ-HZ-ZJ',
      });
      const staff = await signDevToken(config, {
        userId: 'sigterm-staff',
        role: 'DEPARTMENT_STAFF',
        unitCode: 'ZJ-HZ-RS',
      });
      const post = (token: string, query: string, variables?: unknown) =>
        fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, at: Date.now() }));

      // Warm up both code paths, so that the load below is read by the hub at once.
      for (let i = 0; i < 2; i++) {
        await post(officer, REGISTER, {
          input: caseInput({ idempotencyKey: `warm-${i}`, title: `预热 ${i}` }),
        });
        await post(staff, LOAD_QUERY);
      }
      // Plain node:http on fresh connections, so that the test knows when each request has been
      // written out in full: in flight means sent, not merely begun by the client.
      const send = (token: string, query: string, variables?: unknown) => {
        const body = JSON.stringify({ query, variables });
        let sent!: () => void;
        const written = new Promise<void>((r) => (sent = r));
        const done = new Promise<{ status: number; body: any; at: number }>((resolve, reject) => {
          const req = http.request(
            `${base}/graphql`,
            {
              method: 'POST',
              agent: false,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                authorization: `Bearer ${token}`,
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode!,
                  body: JSON.parse(Buffer.concat(chunks).toString()),
                  at: Date.now(),
                }),
              );
            },
          );
          req.on('error', reject);
          req.on('finish', sent);
          req.end(body);
        });
        return { written, done };
      };
      const N = 60;
      const requests = Array.from({ length: N }, (_, i) =>
        i % 2
          ? send(officer, REGISTER, {
              input: caseInput({ idempotencyKey: `sigterm-${i}`, title: `停机演练 ${i}` }),
            })
          : send(staff, LOAD_QUERY),
      );
      const inFlight = requests.map((r) => r.done);
      const sentAt = Date.now();
      await Promise.all(requests.map((r) => r.written));
      const termAt = Date.now();
      child.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      const afterTerm = answers.filter((a) => a.at >= termAt).length;
      expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
      expect(answers.filter((a) => a.body.errors)).toEqual([]);
      expect(afterTerm).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      const written = await sql<{ n: number }>(
        `select count(*)::int as n from petition_case where title like '停机演练 %'`,
      );
      expect(written[0].n).toBe(N / 2);
      // After the drain nothing listens any more.
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
      const firstMs = Math.min(...answers.map((a) => a.at)) - sentAt;
      console.log(
        `sigterm: ${N} requests sent, SIGTERM as soon as the last was sent, first answer after ${firstMs} ms, ` +
          `${afterTerm} answered after SIGTERM, all ${N} answered 200 without errors; exit 0`,
      );
    } catch (e) {
      console.log(output.join(''));
      throw e;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
