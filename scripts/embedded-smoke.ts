/**
 * Manual check of the embedded PostgreSQL lifecycle (src/db/embedded/):
 *
 *   node -r @swc-node/register scripts/embedded-smoke.ts [-v]
 *
 * In a temporary data directory: fresh start, restart on the same data, crash of the
 * postmaster (SIGKILL, stale postmaster.pid), crash of the owning Node process (orphaned
 * server), a postmaster.pid naming an unrelated live process, a second start on a directory in
 * use; then checks that no PostgreSQL process of the run is left. Exits non-zero on failure.
 * `-v` prints every initdb/postgres line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded';

const verbose = process.argv.includes('-v');

if (process.argv[2] === '--child') {
  void child(process.argv[3] ?? '', Number(process.argv[4]));
} else {
  main().catch((err) => {
    console.error('FAILED:', err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  });
}

/** Child mode: start the server, say so on stdout, then wait to be killed. */
async function child(dataDir: string, port: number) {
  // No restart: scenario 3 checks what a killed postmaster leaves for the next start.
  const pg = await startEmbeddedPostgres({
    dataDir,
    port,
    database: 'smoke',
    log: () => {},
    restartOnCrash: false,
  });
  process.stdout.write(`READY ${pg.url}\n`);
  setInterval(() => {}, 1 << 30);
}

function logger(step: string) {
  return (msg: string) => {
    const ours = !msg.startsWith('postgres: ') && !msg.startsWith('initdb: ');
    const notable =
      /redo (is|done|starts)|interrupted|recovery|not properly shut down|FATAL|ERROR|PANIC/.test(msg);
    if (verbose || ours || notable) console.log(`    [${step}] ${msg}`);
  };
}

async function start(
  step: string,
  dataDir: string,
  port: number,
): Promise<EmbeddedPostgres & { ms: number }> {
  const t0 = process.hrtime.bigint();
  const pg = await startEmbeddedPostgres({ dataDir, port, database: 'smoke', log: logger(step) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`  started in ${ms.toFixed(0)} ms: ${pg.url}`);
  return { ...pg, ms };
}

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`  ok: ${what}`);
}

/** Processes whose command line or working directory mentions dir (Linux /proc). */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (cmd.includes(dir) || cwd.startsWith(dir)) found.push(`${name} ${cmd}`);
    } catch {
      // gone, or a kernel thread
    }
  }
  return found;
}

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Runs this script in child mode; resolves once its server is ready. */
function spawnChild(dataDir: string, port: number) {
  const proc = spawn(
    process.execPath,
    ['-r', '@swc-node/register', __filename, '--child', dataDir, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  return { proc, ready };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-smoke-'));
  const dataDir = root; // like test/global-setup.ts: the temp directory itself
  const port = await findFreePort();
  const asRoot = process.getuid?.() === 0;
  console.log(
    `data directory ${dataDir}, port ${port}, running as ${asRoot ? 'root' : 'uid ' + process.getuid?.()}`,
  );
  const times: Record<string, number> = {};
  const running: EmbeddedPostgres[] = [];

  try {
    console.log('\n1. fresh start (initdb)');
    const a = await start('fresh', dataDir, port);
    running.push(a);
    times['fresh (initdb + start + create database)'] = a.ms;
    const [info] = await query<Record<string, unknown>>(
      a.url,
      `select 1 as one, current_user as usr, pg_encoding_to_char(encoding) as enc, datctype,
              current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sock,
              current_setting('server_version') as version
         from pg_database where datname = current_database()`,
    );
    console.log(`  ${JSON.stringify(info)}`);
    check(Number(info?.one) === 1, 'select 1');
    check(info?.enc === 'UTF8', 'database encoding is UTF8');
    check(info?.listen === '127.0.0.1', 'listens on 127.0.0.1 only');
    await query(a.url, 'create extension if not exists pg_trgm');
    await query(a.url, "create table kept (v text); insert into kept values ('survives restarts')");
    const [trgm] = await query<{ sim: number }>(
      a.url,
      "select similarity('拆迁补偿款未足额发放', '拆迁补偿款没有足额发放给我') as sim",
    );
    console.log(`  pg_trgm similarity of two CJK sentences: ${trgm?.sim}`);
    check(Number(trgm?.sim) > 0, 'pg_trgm sees CJK characters as word characters');
    if (asRoot) {
      const owner = fs.statSync(dataDir).uid;
      const pmUid = fs.statSync(`/proc/${postmasterPid(dataDir)}`).uid;
      check(
        owner !== 0 && pmUid === owner,
        `as root: server runs as uid ${pmUid}, owner of the data directory`,
      );
    }
    const t0 = Date.now();
    await a.stop();
    times['stop'] = Date.now() - t0;
    await a.stop();
    running.pop();
    check(
      !fs.existsSync(path.join(dataDir, 'postmaster.pid')),
      'clean stop removed postmaster.pid; stop() twice is fine',
    );
    check(processesUnder(dataDir).length === 0, 'no process left');

    console.log('\n2. restart on the same data directory');
    const b = await start('restart', dataDir, port);
    running.push(b);
    times['restart (existing data)'] = b.ms;
    const kept = await query<{ v: string }>(b.url, 'select v from kept');
    check(kept[0]?.v === 'survives restarts', 'data survived the restart');
    await b.stop();
    running.pop();

    console.log('\n3. postmaster killed with SIGKILL (stale postmaster.pid)');
    {
      const c = spawnChild(dataDir, port);
      await c.ready;
      const pid = postmasterPid(dataDir);
      process.kill(pid, 'SIGKILL');
      check(await waitFor(() => !isAlive(pid), 5000), `postmaster ${pid} killed`);
      check(fs.existsSync(path.join(dataDir, 'postmaster.pid')), 'postmaster.pid left behind');
      c.proc.kill('SIGKILL');
      await new Promise((r) => c.proc.once('exit', r));
      const d = await start('after-crash', dataDir, port);
      running.push(d);
      times['start after postmaster SIGKILL (crash recovery)'] = d.ms;
      const rows = await query<{ v: string }>(d.url, 'select v from kept');
      check(rows[0]?.v === 'survives restarts', 'started again after the crash, data intact');
      await d.stop();
      running.pop();
    }

    console.log('\n4. owning Node process killed with SIGKILL (orphaned server)');
    {
      const c = spawnChild(dataDir, port);
      await c.ready;
      const pid = postmasterPid(dataDir);
      c.proc.kill('SIGKILL');
      await new Promise((r) => c.proc.once('exit', r));
      check(isAlive(pid), `postmaster ${pid} outlived its Node process`);
      const e = await start('after-orphan', dataDir, port);
      running.push(e);
      times['start after orphan (stop orphan + start)'] = e.ms;
      check(!isAlive(pid), `orphaned postmaster ${pid} was stopped`);
      check(postmasterPid(dataDir) !== pid, 'a new postmaster runs');

      console.log('\n5. second start on a directory in use');
      const other = await findFreePort();
      const err = await startEmbeddedPostgres({
        dataDir,
        port: other,
        database: 'smoke',
        log: () => {},
      }).then(
        (pg) => {
          running.push(pg);
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      console.log(`  error: ${err?.message}`);
      check(err && /in use/.test(err.message), 'refused: in use by a live owner');
      check(isAlive(postmasterPid(dataDir)), 'the running server was left alone');
      await e.stop();
      running.pop();
    }

    console.log('\n6. postmaster.pid naming an unrelated live process (pid reused after a reboot)');
    {
      const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      fs.writeFileSync(
        path.join(dataDir, 'postmaster.pid'),
        `${sleeper.pid}\n${dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  0  0\nready   \n`,
      );
      if (asRoot)
        fs.chownSync(
          path.join(dataDir, 'postmaster.pid'),
          fs.statSync(dataDir).uid,
          fs.statSync(dataDir).gid,
        );
      const f = await start('reused-pid', dataDir, port);
      running.push(f);
      times['start with stale pid file'] = f.ms;
      check(isAlive(sleeper.pid ?? 0), 'the unrelated process was left alone');
      sleeper.kill();
      await f.stop();
      running.pop();
    }

    if (asRoot) {
      console.log('\n7. as root: a parent the postgres user cannot enter');
      // A new cluster is placed under /var/lib/petition-hub instead, dataDir a symlink to it.
      const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-locked-'));
      const dataDir = path.join(locked, 'pg');
      const outcome = await startEmbeddedPostgres({
        dataDir,
        port: await findFreePort(),
        database: 'smoke',
        log: () => {},
      }).then(
        async (pg) => {
          await pg.stop();
          return 'started';
        },
        (e: unknown) => (e as Error).message,
      );
      const target = fs.lstatSync(dataDir, { throwIfNoEntry: false })?.isSymbolicLink()
        ? fs.realpathSync(dataDir)
        : undefined;
      console.log(`  ${outcome}; cluster at ${target ?? '(not relocated)'}`);
      if (target?.startsWith('/var/lib/petition-hub/')) fs.rmSync(target, { recursive: true, force: true });
      fs.rmSync(locked, { recursive: true, force: true });
      check(outcome === 'started', 'started on an unreachable data directory');
      check(target?.startsWith('/var/lib/petition-hub/') === true, 'cluster relocated and symlinked');
    }
  } finally {
    for (const pg of running) await pg.stop().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const left = processesUnder(root);
    console.log('\nleftover processes:', left.length ? left : 'none');
    fs.rmSync(root, { recursive: true, force: true });
    if (left.length) process.exitCode = 1;
  }
  console.log('\ntimings (ms):');
  for (const [k, v] of Object.entries(times)) console.log(`  ${k}: ${v.toFixed(0)}`);
  console.log(process.exitCode ? '\nFAILED' : '\nall good');
}
