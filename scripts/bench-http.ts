/**
 * The sharing page over HTTP: the compiled hub against PostGraphile and a raw `http` + `pg` server.
 *
 *   npm run bench:http -- [N=100000] [--db NAME] [--keep] [--rounds 3] [--duration 5] [--no-build]
 *                         [--server URL] [--only page,clear,dup,sql] [--hub dist/src/main.js]
 *
 * --server is a PostgreSQL URL with the right to create databases (default
 * postgres://postgres@127.0.0.1:5432/postgres, or BENCH_SERVER_URL). Without --db the script creates
 * `bench_h6_<pid>`, generates N cases (scripts/gen-import.ts) and loads them with the real import
 * (`node dist/src/cli/import.js`), then ANALYZEs; --db NAME (bench_… only) reuses a populated
 * database, or creates and fills it and keeps it. A database the script created without --db is
 * dropped at the end unless --keep.
 *
 * Contenders, each its own process on 127.0.0.1:
 *   hub   `npm run build`, then `node dist/src/main.js`, NODE_ENV=production, tokens signed by an
 *         ES256 key whose JWKS file (AUTH_JWKS_FILE) the script writes; personal-data keys derived
 *         from a fixed bench string (so a kept database opens again), never the dev keys.
 *   pg    PostGraphile 4.14 (library) on views in schema `bench_pg` of the same tables: the same
 *         20 rows and non-personal columns (the personal data is ciphertext, so it is left out).
 *   raw   node `http` + `pg`, one prepared statement, the same JSON shape.
 * The page: terminatedCases(first: 20) { nodes { id title category terminatedAt handlingUnit { name }
 * petitioner { clear name idNumber phone address } } } as DEPARTMENT_STAFF.
 *
 * Sections:
 *   page   all three answer the same rows (checked first; the hub's masked petitioner is checked
 *          against the keys too), then rounds at c=1, 10, 50, contenders in rotating order in each
 *          round (autocannon, every body compared with the checked one: a different body is an
 *          error); req/s, p50, p99, and hub/pg and hub/raw per round with their spread.
 *   clear  the same page as a CASE_OFFICER of the root unit (every row clear, every row audited)
 *          against the same page masked (DEPARTMENT_STAFF), c=10, interleaved rounds.
 *   dup    checkDuplicate at c=1, 10 and 50 (distinct users), known ID and no identity; every
 *          answer compared with the same check made alone first; CPU per check of the hub process and
 *          of the database backends serving the database (/proc), steadier than wall time on a busy machine.
 *   sql    statements per request for the hub, counted by a PostgreSQL wire-protocol proxy between a
 *          second hub instance and the database (every Query and Execute message).
 * Prints figures and asserts nothing. Everything it started is stopped at the end.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Client, Pool } from 'pg';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { arg, flag } from './args';

const ROOT = path.resolve(__dirname, '..');
const PAGE_QUERY = `{ terminatedCases(first: 20) { nodes { id title category terminatedAt handlingUnit { name }
  petitioner { clear name idNumber phone address } } } }`;
const PG_QUERY = `{ allTerminatedCases(first: 20, orderBy: [TERMINATED_AT_DESC, ID_DESC]) {
  nodes { id title category terminatedAt unitByHandlingUnitId { name } } } }`;
const RAW_SQL = `select c.id::text as id, c.title, c.category, c.terminated_at::text as "terminatedAt", u.name as unit
   from petition_case c join unit u on u.id = c.handling_unit_id
  where c.status = 'TERMINATED' order by c.terminated_at desc, c.id desc limit $1`;
const CHECK_QUERY = `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict
  matches { case { id } sameIdentity contentSimilarity score } } }`;
const ISSUER = 'https://bench-idp.invalid';
const AUDIENCE = 'petition-hub';
/** Same pool size for every contender (the hub's MikroORM pool is max 10). */
const POOL_MAX = 10;

// ---------------------------------------------------------------------------------------------
// servers run as children of this script: `bench-http.ts serve-raw|serve-pg PORT DB_URL`
// ---------------------------------------------------------------------------------------------

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

async function serveRaw(port: number, url: string) {
  const pool = new Pool({ connectionString: url, max: POOL_MAX });
  const server = http.createServer(async (req, res) => {
    try {
      await readBody(req);
      const r = await pool.query({ name: 'page', text: RAW_SQL, values: [20] });
      const nodes = r.rows.map((x) => ({
        id: x.id,
        title: x.title,
        category: x.category,
        terminatedAt: x.terminatedAt,
        handlingUnit: { name: x.unit },
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { terminatedCases: { nodes } } }));
    } catch {
      res.statusCode = 500;
      res.end('{"errors":[{"message":"raw server error"}]}');
    }
  });
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
}

/**
 * PostGraphile 4 needs graphql 15 (it calls the positional API that 16 dropped), while the hub and
 * the install's `graphql` are 16. The install carries 15 as the devDependency alias `graphql15`;
 * every require of `graphql` from PostGraphile's packages is sent there, and every require of
 * `graphile-build` to postgraphile's own copy, so schema objects come from one realm only (mixed
 * copies fail each other's checks: "Unexpected input type").
 */
function oneGraphqlForPostGraphile() {
  const Module = require('node:module') as {
    _resolveFilename: (...a: any[]) => string;
    _nodeModulePaths: (from: string) => string[];
  };
  const base = path.dirname(require.resolve('postgraphile/package.json'));
  const fromGraphile = (parent: any) =>
    /graphile|postgraphile|graphql-parse-resolve-info|graphql-ws|subscriptions-transport-ws/.test(
      parent?.filename ?? '',
    );
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request: any, parent: any, ...rest: any[]) {
    if (typeof request === 'string' && fromGraphile(parent)) {
      if (/^graphql(\/|$)/.test(request))
        return original.call(this, request.replace(/^graphql/, 'graphql15'), parent, ...rest);
      if (/^graphile-build(\/|$)/.test(request))
        return original.call(
          this,
          request,
          { id: base, filename: path.join(base, 'index.js'), paths: Module._nodeModulePaths(base) },
          ...rest,
        );
    }
    return original.call(this, request, parent, ...rest);
  };
}

async function servePostGraphile(port: number, url: string) {
  oneGraphqlForPostGraphile();

  const { postgraphile } = require('postgraphile') as typeof import('postgraphile');
  const pool = new Pool({ connectionString: url, max: POOL_MAX });
  const mw = postgraphile(pool, 'bench_pg', {
    disableDefaultMutations: true,
    graphiql: false,
    retryOnInitFail: false,
    disableQueryLog: true,
    watchPg: false,
  });
  const server = http.createServer(mw);
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
}

// ---------------------------------------------------------------------------------------------
// arguments and small helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};
function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const spread = (xs: number[]) => `${f2(median(xs))} (${f2(Math.min(...xs))}–${f2(Math.max(...xs))})`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Keys derived from a fixed bench string: a kept database opens again; never the dev keys. */
function benchKeys() {
  const k = (what: string) => createHash('sha256').update(`petition-hub bench-http ${what}`).digest('base64');
  return { personal: `bench1:${k('personal data')}`, blind: k('blind index') };
}

function dbUrl(server: string, db: string): string {
  const u = new URL(server);
  u.pathname = `/${db}`;
  return u.toString();
}

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// processes
// ---------------------------------------------------------------------------------------------

const children: ChildProcess[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const log = fs.openSync(path.join(tmp, `${name}.log`), 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (code ${code}, signal ${signal}); log: ${tmp}/${name}.log`);
  });
  return child;
}

async function waitReady(name: string, check: () => Promise<boolean>, child: ChildProcess) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`${name} did not start; log: ${tmp}/${name}.log`);
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${name} not ready after 60 s; log: ${tmp}/${name}.log`);
}

let stopping = false;
async function stopAll() {
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  for (const c of children) {
    for (let i = 0; i < 40 && c.exitCode === null && c.signalCode === null; i++) await sleep(100);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// statement counter: a PostgreSQL wire-protocol proxy counting Query ('Q') and Execute ('E')
// ---------------------------------------------------------------------------------------------

function statementProxy(target: number) {
  const counter = { statements: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let untyped = true; // startup (and SSLRequest) messages carry no type byte
    client.on('data', (d: Buffer) => {
      upstream.write(d);
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (untyped) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code !== 80877103 && code !== 80877104) untyped = false; // not SSL/GSS request
          continue;
        }
        if (buf.length < 5) break;
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) break;
        const type = String.fromCharCode(buf[0]);
        if (type === 'Q' || type === 'E') counter.statements++;
        buf = buf.subarray(len + 1);
      }
    });
    upstream.on('data', (d) => client.write(d));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return { server, counter };
}

// ---------------------------------------------------------------------------------------------
// load generation
// ---------------------------------------------------------------------------------------------

interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

async function cannon(
  url: string,
  body: string,
  expectBody: string,
  connections: number,
  duration: number,
  token?: string,
) {
  const autocannon = require('autocannon') as (opts: object) => Promise<any>;
  const r = await autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    timeout: 10,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    expectBody,
  });
  return {
    rps: r.requests.average as number,
    p50: r.latency.p50 as number,
    p99: r.latency.p99 as number,
    requests: r.requests.total as number,
    errors: (r.errors as number) + (r.timeouts as number) + (r.non2xx as number) + (r.mismatches as number),
  } satisfies RunResult;
}

interface Contender {
  name: string;
  url: string;
  body: string;
  expect: string;
  token?: string;
}

async function interleaved(contenders: Contender[], levels: number[], rounds: number, duration: number) {
  const results = new Map<string, RunResult[]>(); // key `${name}@${c}`
  for (let r = 0; r < rounds; r++) {
    for (const c of levels) {
      // rotate the order each round: no contender always runs first (or on a warm cache)
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
      for (const k of order) {
        const res = await cannon(k.url, k.body, k.expect, c, duration, k.token);
        const key = `${k.name}@${c}`;
        results.set(key, [...(results.get(key) ?? []), res]);
        console.log(
          `  round ${r + 1} c=${String(c).padEnd(2)} ${k.name.padEnd(12)} ${f0(res.rps).padStart(6)} req/s  ` +
            `p50 ${f0(res.p50).padStart(5)} ms  p99 ${f0(res.p99).padStart(5)} ms  errors ${res.errors}`,
        );
      }
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// database
// ---------------------------------------------------------------------------------------------

async function prepareDatabase(server: string, db: string, n: number, env: NodeJS.ProcessEnv) {
  const admin = new Client({ connectionString: server });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [db])).rowCount! > 0;
  if (!exists) await admin.query(`create database "${db}"`);
  await admin.end();
  const url = dbUrl(server, db);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const populated = exists
      ? (await client.query(`select to_regclass('public.petition_case') is not null as ok`)).rows[0].ok &&
        Number((await client.query('select count(*) from petition_case')).rows[0].count) > 0
      : false;
    if (populated) {
      console.log(`reusing ${db}`);
    } else {
      const file = path.join(tmp, `cases-${n}.jsonl`);
      let t0 = Date.now();
      const gen = spawnSync(
        process.execPath,
        ['-r', '@swc-node/register', 'scripts/gen-import.ts', String(n), '--out', file],
        {
          cwd: ROOT,
          stdio: 'inherit',
        },
      );
      if (gen.status !== 0) throw new Error('gen-import failed');
      console.log(`generated ${n} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      t0 = Date.now();
      // The real import, compiled, as an operator runs it (it migrates first through the ORM).
      const migrate = spawnSync(process.execPath, ['dist/src/cli/migrate.js'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: 'inherit',
      });
      if (migrate.status !== 0) throw new Error('migrate failed');
      const imp = spawnSync(process.execPath, ['--max-old-space-size=4096', 'dist/src/cli/import.js', file], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (imp.status !== 0) throw new Error('import failed');
      fs.rmSync(file, { force: true });
      console.log(`imported in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    await client.query('analyze');
    // PostGraphile's views: the same rows and non-personal columns as the hub's page.
    await client.query(`create schema if not exists bench_pg;
      create or replace view bench_pg.unit as select id, code, name from public.unit;
      create or replace view bench_pg.terminated_case as
        select id, title, category, terminated_at, handling_unit_id from public.petition_case where status = 'TERMINATED';
      comment on view bench_pg.unit is E'@primaryKey id';
      comment on view bench_pg.terminated_case is E'@primaryKey id\\n@foreignKey (handling_unit_id) references bench_pg.unit (id)';`);
    const [{ count }] = (
      await client.query(`select count(*)::int as count from petition_case where status = 'TERMINATED'`)
    ).rows;
    console.log(`${db}: ${count} terminated cases`);
  } finally {
    await client.end();
  }
  return url;
}

/** Waits (at most 10 min) for the hub's start-up work: masked forms of records sealed before they existed. */
async function settle(url: string) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const has = await c.query(
      `select 1 from information_schema.columns where table_name = 'petition_case' and column_name = 'petitioner_masked_enc'`,
    );
    if (!has.rowCount) return;
    for (let i = 0; i < 600; i++) {
      const { rows } = await c.query(
        'select count(*)::int as n from petition_case where petitioner_masked_enc is null',
      );
      if (rows[0].n === 0) return;
      if (i % 10 === 0) console.log(`waiting for the hub to derive masked forms: ${rows[0].n} records left`);
      await sleep(1000);
    }
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// the checks before timing
// ---------------------------------------------------------------------------------------------

type Row = [string, string, string, string, string];
function rowsOf(text: string, field: string, unit: string): Row[] {
  const json = JSON.parse(text);
  if (json.errors) throw new Error(`answer has errors: ${JSON.stringify(json.errors).slice(0, 300)}`);
  return json.data[field].nodes.map((n: any) => [
    String(n.id),
    n.title,
    n.category,
    n.terminatedAt,
    n[unit].name,
  ]);
}

async function checkMasked(url: string, hubText: string) {
  const { FieldCipher } = await import('../src/modules/petitioner/crypto');
  const { PETITIONER_AAD } = await import('../src/modules/petitioner/sealing');
  const m = await import('../src/modules/petitioner/masking');
  const cipher = FieldCipher.fromSpec(benchKeys().personal);
  const nodes = JSON.parse(hubText).data.terminatedCases.nodes as any[];
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `select id::text, petitioner_name_enc, petitioner_id_number_enc, petitioner_phone_enc, petitioner_address_enc
         from petition_case where id = any($1::int[])`,
      [nodes.map((n) => Number(n.id))],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const n of nodes) {
      const r = byId.get(n.id)!;
      const open = (v: string | null, aad: string) => (v ? cipher.decrypt(v, aad) : null);
      const want = {
        clear: false,
        name: m.maskName(open(r.petitioner_name_enc, PETITIONER_AAD.name)),
        idNumber: m.maskIdNumber(open(r.petitioner_id_number_enc, PETITIONER_AAD.idNumber)),
        phone: m.maskPhone(open(r.petitioner_phone_enc, PETITIONER_AAD.phone)),
        address: m.maskAddress(open(r.petitioner_address_enc, PETITIONER_AAD.address)),
      };
      if (JSON.stringify(want) !== JSON.stringify(n.petitioner))
        throw new Error(`case ${n.id}: the hub's masked petitioner is not the masked record`);
    }
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// checkDuplicate
// ---------------------------------------------------------------------------------------------

/** Light rewording that keeps every date, amount and identifier: a retelling of the same matter. */
const alter = (facts: string) =>
  facts.replace(/本人/g, '我').replace('反映', '反应').replace(/。$/, '，请领导重视。');

async function dupInputs(url: string) {
  const { FieldCipher } = await import('../src/modules/petitioner/crypto');
  const { PETITIONER_AAD } = await import('../src/modules/petitioner/sealing');
  const cipher = FieldCipher.fromSpec(benchKeys().personal);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `select id, petitioner_id_number_enc as enc, facts_and_reasons as facts from petition_case
        where status = 'TERMINATED' order by id limit 10 offset 1000`,
    );
    return {
      known: rows.map((r) => ({
        idNumber: cipher.decrypt(r.enc, PETITIONER_AAD.idNumber),
        content: alter(r.facts),
      })),
      anonymous: rows.map((r) => ({ content: alter(r.facts) })),
    };
  } finally {
    await c.end();
  }
}

const signature = (text: string) => {
  const j = JSON.parse(text);
  if (j.errors) return `error:${j.errors[0]?.extensions?.code}`;
  const r = j.data.checkDuplicate;
  return JSON.stringify([
    r.verdict,
    r.matches.map((m: any) => [
      m.case.id,
      m.sameIdentity,
      m.contentSimilarity.toFixed(4),
      m.score.toFixed(4),
    ]),
  ]);
};

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 if it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/**
 * CPU used by the hub and by the database's backends serving this database, from a start mark:
 * per check it depends far less on what else the machine runs than the wall-clock figures do.
 */
async function cpuMeter(url: string, hubPid: number) {
  const c = new Client({ connectionString: url });
  await c.connect();
  const backends = async () =>
    (
      await c.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.pid);
  const mark = async () => {
    const db = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
    return { hub: cpuSeconds(hubPid), db };
  };
  return {
    mark,
    async since(m: Awaited<ReturnType<typeof mark>>) {
      let db = 0;
      for (const pid of await backends()) db += cpuSeconds(pid) - (m.db.get(pid) ?? 0);
      return { hub: cpuSeconds(hubPid) - m.hub, db };
    },
    end: () => c.end(),
  };
}

async function dupSection(
  hubUrl: string,
  url: string,
  token: (sub: string, role: string) => Promise<string>,
  duration: number,
  hubPid: number,
) {
  const inputs = await dupInputs(url);
  const meter = await cpuMeter(url, hubPid);
  for (const [kind, list] of Object.entries(inputs)) {
    const solo = await token('bench:dup:solo', 'DEPARTMENT_STAFF');
    const expected: string[] = [];
    for (const input of list)
      expected.push(
        signature((await post(hubUrl, { query: CHECK_QUERY, variables: { i: input } }, solo)).text),
      );
    const verdicts = expected.map((e) => (e.startsWith('error') ? e : JSON.parse(e)[0]));
    console.log(`  ${kind}: single-user verdicts ${verdicts.join(' ')}`);
    for (const c of [1, 10, 50]) {
      const tokens = await Promise.all(
        Array.from({ length: c }, (_, u) => token(`bench:dup:c${c}:${kind}:u${u}`, 'DEPARTMENT_STAFF')),
      );
      const lat: number[] = [];
      let differ = 0;
      let errors = 0;
      const until = Date.now() + duration * 1000;
      const cpu0 = await meter.mark();
      const t0 = Date.now();
      await Promise.all(
        tokens.map(async (t, u) => {
          for (let i = u; Date.now() < until; i++) {
            const k = i % list.length;
            const s = performance.now();
            const res = await post(hubUrl, { query: CHECK_QUERY, variables: { i: list[k] } }, t);
            lat.push(performance.now() - s);
            const sig = res.status === 200 ? signature(res.text) : `http:${res.status}`;
            if (sig.startsWith('error') || sig.startsWith('http')) errors++;
            else if (sig !== expected[k]) differ++;
          }
        }),
      );
      const secs = (Date.now() - t0) / 1000;
      const cpu = await meter.since(cpu0);
      console.log(
        `  ${kind.padEnd(9)} c=${String(c).padEnd(2)} ${lat.length} checks  ${f1(lat.length / secs)} checks/s  ` +
          `p50 ${f0(pct(lat, 50))} ms  p99 ${f0(pct(lat, 99))} ms  differing from single-user ${differ}  errors ${errors}  ` +
          `CPU per check: hub ${f1((cpu.hub * 1000) / lat.length)} ms, database ${f1((cpu.db * 1000) / lat.length)} ms`,
      );
    }
  }
  await meter.end();
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

async function main() {
  const keep = flag('--keep');
  const noBuild = flag('--no-build');
  const dbArg = arg('--db');
  const rounds = Math.max(1, Math.min(10, Number(arg('--rounds') ?? 3)));
  const duration = Math.max(1, Math.min(60, Number(arg('--duration') ?? 5)));
  // --hub: another compiled hub (e.g. a copy of dist/ from before a change) to measure the same way
  const hubMain = arg('--hub') ?? 'dist/src/main.js';
  const only = new Set((arg('--only') ?? 'page,clear,dup,sql').split(','));
  const server =
    arg('--server') ?? process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const n = Number(process.argv[2] ?? 100_000);
  if (!Number.isInteger(n) || n < 100) throw new Error('N must be an integer ≥ 100');
  if (dbArg && !/^bench_[a-z0-9_]+$/.test(dbArg)) throw new Error('--db must be a bench_… database name');
  if (!/^postgres(ql)?:\/\/[^/]*@?(127\.0\.0\.1|localhost)[:/]/.test(server))
    throw new Error('--server must be on 127.0.0.1');
  const db = dbArg ?? `bench_h6_${process.pid}`;
  const created = !dbArg;

  if (!noBuild) {
    console.log('npm run build …');
    const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }

  // The identity provider: an ES256 key, its public JWKS in a file the hub reads.
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const jwksFile = path.join(tmp, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const token = (sub: string, role: string, unit = 'GEN') =>
    new SignJWT({ name: sub, role, unit })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(privateKey);

  const keys = benchKeys();
  const hubEnv = (databaseUrl: string, port: number): NodeJS.ProcessEnv => ({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    AUTH_JWKS_FILE: jwksFile,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    PERSONAL_DATA_KEYS: keys.personal,
    BLIND_INDEX_KEY: keys.blind,
    DUPLICATE_CHECKS_PER_HOUR: '100000',
    DUPLICATE_CHECKS_PER_DAY: '1000000',
    // the benchmark's users are all of one unit (GEN): its allowance would refuse after 300 checks
    DUPLICATE_CHECKS_PER_UNIT_PER_HOUR: '100000',
    DUPLICATE_CHECKS_PER_UNIT_PER_DAY: '1000000',
    // One token sends thousands of requests a second: the per-user budget stays on (its statement
    // is part of every request's cost) but set so high that it never refuses.
    REQUEST_BUDGET_PER_MINUTE: '1000000000',
    REVEALS_PER_HOUR: '100000',
    REVEALS_PER_DAY: '1000000',
    GRAPHQL_PLAYGROUND: 'false',
  });

  let url = '';
  let failed = true;
  try {
    url = await prepareDatabase(server, db, n, hubEnv(dbUrl(server, db), 0));
    const [hubPort, pgPort, rawPort] = [await freePort(), await freePort(), await freePort()];
    const hub = start('hub', process.execPath, [hubMain], hubEnv(url, hubPort));
    const pgChild = start(
      'postgraphile',
      process.execPath,
      ['-r', '@swc-node/register', __filename, 'serve-pg', String(pgPort), url],
      {
        NODE_ENV: 'production',
      },
    );
    const raw = start(
      'raw',
      process.execPath,
      ['-r', '@swc-node/register', __filename, 'serve-raw', String(rawPort), url],
      {
        NODE_ENV: 'production',
      },
    );
    const hubUrl = `http://127.0.0.1:${hubPort}/graphql`;
    const pgUrl = `http://127.0.0.1:${pgPort}/graphql`;
    const rawUrl = `http://127.0.0.1:${rawPort}/`;
    await waitReady('hub', async () => (await fetch(`http://127.0.0.1:${hubPort}/readyz`)).ok, hub);
    await waitReady(
      'postgraphile',
      async () => (await post(pgUrl, { query: '{ __typename }' })).status === 200,
      pgChild,
    );
    await waitReady('raw', async () => (await post(rawUrl, {})).status === 200, raw);

    await settle(url);
    const staff = await token('bench:staff', 'DEPARTMENT_STAFF');
    const officer = await token('bench:officer', 'CASE_OFFICER');
    const hubBody = JSON.stringify({ query: PAGE_QUERY });
    const pgBody = JSON.stringify({ query: PG_QUERY });
    const hubText = (await post(hubUrl, { query: PAGE_QUERY }, staff)).text;
    const officerText = (await post(hubUrl, { query: PAGE_QUERY }, officer)).text;
    const pgText = (await post(pgUrl, { query: PG_QUERY })).text;
    const rawText = (await post(rawUrl, {})).text;
    const want = JSON.stringify(rowsOf(hubText, 'terminatedCases', 'handlingUnit'));
    for (const [name, got] of [
      ['postgraphile', JSON.stringify(rowsOf(pgText, 'allTerminatedCases', 'unitByHandlingUnitId'))],
      ['raw', JSON.stringify(rowsOf(rawText, 'terminatedCases', 'handlingUnit'))],
      ['hub (officer)', JSON.stringify(rowsOf(officerText, 'terminatedCases', 'handlingUnit'))],
    ])
      if (got !== want) throw new Error(`${name} does not answer the hub's 20 rows`);
    await checkMasked(url, hubText);
    const officerNodes = JSON.parse(officerText).data.terminatedCases.nodes as {
      petitioner: { clear: boolean };
    }[];
    if (!officerNodes.every((x) => x.petitioner.clear)) throw new Error('the officer page is not all clear');
    console.log('same 20 rows from hub, PostGraphile and raw; the hub masks as the records say');

    const page: Contender[] = [
      { name: 'hub', url: hubUrl, body: hubBody, expect: hubText, token: staff },
      { name: 'postgraphile', url: pgUrl, body: pgBody, expect: pgText },
      { name: 'raw', url: rawUrl, body: '{}', expect: rawText },
    ];
    console.log('warm-up (2 s each at c=10)');
    for (const k of page) await cannon(k.url, k.body, k.expect, 10, 2, k.token);

    if (only.has('page')) {
      console.log(`\n== page: ${rounds} rounds × ${duration} s, interleaved ==`);
      const res = await interleaved(page, [1, 10, 50], rounds, duration);
      console.log(
        '\n| c | hub req/s | PostGraphile | raw | hub p50 / p99 ms | hub/PostGraphile | hub/raw | errors |',
      );
      console.log('|---|---|---|---|---|---|---|---|');
      for (const c of [1, 10, 50]) {
        const [h, g, r] = ['hub', 'postgraphile', 'raw'].map((k) => res.get(`${k}@${c}`)!);
        const ratio = (a: RunResult[], b: RunResult[]) => a.map((x, i) => x.rps / b[i].rps);
        const errors = [...h, ...g, ...r].reduce((t, x) => t + x.errors, 0);
        console.log(
          `| ${c} | ${f0(median(h.map((x) => x.rps)))} | ${f0(median(g.map((x) => x.rps)))} | ${f0(median(r.map((x) => x.rps)))} | ` +
            `${f0(median(h.map((x) => x.p50)))} / ${f0(median(h.map((x) => x.p99)))} | ${spread(ratio(h, g))} | ${spread(ratio(h, r))} | ${errors} |`,
        );
      }
      console.log('(medians over rounds; ratios: median (min–max) of the per-round ratios)');
    }

    if (only.has('clear')) {
      console.log(
        `\n== audited clear read: the page as CASE_OFFICER of the root unit (20 rows clear, audited) vs masked, c=10 ==`,
      );
      const res = await interleaved(
        [
          { name: 'clear', url: hubUrl, body: hubBody, expect: officerText, token: officer },
          { name: 'masked', url: hubUrl, body: hubBody, expect: hubText, token: staff },
        ],
        [10],
        rounds,
        duration,
      );
      const [cl, ma] = [res.get('clear@10')!, res.get('masked@10')!];
      console.log(
        `clear ${f0(median(cl.map((x) => x.rps)))} req/s (p99 ${f0(median(cl.map((x) => x.p99)))} ms), masked ${f0(median(ma.map((x) => x.rps)))} req/s; ` +
          `clear/masked ${spread(cl.map((x, i) => x.rps / ma[i].rps))}`,
      );
      const c = new Client({ connectionString: url });
      await c.connect();
      const { verifyAuditChain } = await import('../src/modules/audit/audit.verify');
      const v = await verifyAuditChain(c);
      await c.end();
      console.log(
        `audit chain after the clear reads: ${v.ok ? 'intact' : `BROKEN at ${v.firstBroken?.seq}`} (${v.checked} entries)`,
      );
    }

    if (only.has('dup')) {
      console.log(`\n== checkDuplicate (${duration} s per run; distinct users at c=10 and 50) ==`);
      await dupSection(hubUrl, url, token, duration, hub.pid!);
    }

    if (only.has('sql')) {
      console.log('\n== SQL statements per request (hub behind a counting wire-protocol proxy) ==');
      const proxy = statementProxy(Number(new URL(url).port || 5432));
      const proxyPort = await freePort();
      await new Promise<void>((r) => proxy.server.listen(proxyPort, '127.0.0.1', r));
      const proxied = new URL(url);
      proxied.port = String(proxyPort);
      const countPort = await freePort();
      const counted = start(
        'hub-counted',
        process.execPath,
        [hubMain],
        hubEnv(proxied.toString(), countPort),
      );
      await waitReady(
        'hub-counted',
        async () => (await fetch(`http://127.0.0.1:${countPort}/readyz`)).ok,
        counted,
      );
      const countUrl = `http://127.0.0.1:${countPort}/graphql`;
      const inputs = await dupInputs(url);
      const cases: [string, unknown, string][] = [
        ['page, DEPARTMENT_STAFF (masked)', { query: PAGE_QUERY }, staff],
        ['page, CASE_OFFICER (clear, audited)', { query: PAGE_QUERY }, officer],
        [
          'checkDuplicate, known ID',
          { query: CHECK_QUERY, variables: { i: inputs.known[0] } },
          await token('bench:sql', 'DEPARTMENT_STAFF'),
        ],
      ];
      for (const [label, body, t] of cases) {
        const warm = await post(countUrl, body, t); // warm: connections opened, statistics cached
        // a refused or failed request would count other statements
        if (warm.status !== 200 || JSON.parse(warm.text).errors)
          throw new Error(`${label}: the counted request failed: ${warm.text.slice(0, 300)}`);
        proxy.counter.statements = 0;
        for (let i = 0; i < 10; i++) await post(countUrl, body, t);
        console.log(`  ${label}: ${f1(proxy.counter.statements / 10)} statements per request`);
      }
      proxy.server.close();
    }
    failed = false;
  } finally {
    await stopAll();
    if (created && !keep && url) {
      const admin = new Client({ connectionString: server });
      await admin.connect();
      await admin.query(`drop database if exists "${db}" with (force)`);
      await admin.end();
      console.log(`dropped ${db}`);
    } else if (url) console.log(`kept ${db} (reuse with --db ${db})`);
    if (failed) console.error(`logs kept in ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve-raw') void serveRaw(Number(process.argv[3]), process.argv[4]);
else if (process.argv[2] === 'serve-pg') void servePostGraphile(Number(process.argv[3]), process.argv[4]);
else
  main().then(
    () => process.exit(0),
    async (e) => {
      console.error(e instanceof Error ? e.message : e);
      await stopAll();
      process.exit(1);
    },
  );
