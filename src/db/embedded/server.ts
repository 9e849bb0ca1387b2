import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { locateBinaries } from './binaries';
import { fixDataDir, initialiseCluster } from './cluster';
import { OWNER_SETTING, PASSWORD, STOP_TIMEOUT_MS, SUPERUSER, exists, pipeLines, sleep } from './common';
import { clearPreviousServer } from './leftovers';
import { ensurePostgresUser, reachableDataDir } from './postgres-user';

// Our server: one postmaster per hub, started, restarted after a crash, and stopped.

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (created when missing; its parent must exist or be creatable). */
  dataDir: string;
  port: number;
  /** Created when missing. */
  database: string;
  /** Receives initdb/postgres output and lifecycle messages, one line per call. */
  log: (msg: string) => void;
  /**
   * When a hub already runs a server on dataDir, use that server instead of failing
   * (command-line tasks such as `npm run seed` next to a running `npm start`); stop() then
   * leaves it running.
   */
  attachIfRunning?: boolean;
  /** Restart the server when it dies unexpectedly (default true). */
  restartOnCrash?: boolean;
  /** Called after each restart following a crash. */
  onRestart?: () => void;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:password@127.0.0.1:PORT/DATABASE */
  url: string;
  /** Fast shutdown (SIGINT: sessions ended, checkpoint written); idempotent. */
  stop(): Promise<void>;
  /** The running postmaster's process id (undefined when attached to another hub's server). */
  pid(): number | undefined;
}

const READY_TIMEOUT_MS = 120_000;
const LOG_TAIL_LINES = 40;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  let dataDir = path.resolve(opts.dataDir);
  const { port, database } = opts;
  const log = (msg: string) => {
    try {
      opts.log(msg);
    } catch {
      // a failing logger must not break the database
    }
  };
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    log(line);
  };

  const bins = locateBinaries();
  const runAs = process.getuid?.() === 0 ? await ensurePostgresUser(log) : undefined;
  if (runAs) dataDir = await reachableDataDir(dataDir, runAs, log);

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await initialiseCluster(dataDir, bins.initdb, runAs, remember, tail);
  } else {
    await fixDataDir(dataDir, runAs, log);
  }
  const { runningPort } = await clearPreviousServer(dataDir, log, opts.attachIfRunning);
  if (runningPort) {
    log(`attaching to the hub's running PostgreSQL on port ${runningPort}`);
    await ensureDatabase(runningPort, database, log);
    return { url: urlFor(runningPort, database), stop: async () => {}, pid: () => undefined };
  }

  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    `${OWNER_SETTING}=${process.pid}`,
  ];
  let stopping = false;
  let child!: ChildProcess;
  let exited!: Promise<string>;
  /** Starts one postmaster and resolves once it accepts connections. */
  const launch = async (): Promise<void> => {
    child = spawn(bins.postgres, args, {
      cwd: dataDir,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a Ctrl-C in the terminal reaches only the hub, which stops the
      // database after draining its requests (stop()); a process.exit() without stop() is
      // covered by the exit hook below, a killed hub by clearPreviousServer() at the next start.
      detached: true,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    const me = child;
    pipeLines(me, 'postgres', remember);
    exited = new Promise<string>((resolve) => {
      me.once('error', (err) => resolve(`could not run ${bins.postgres}: ${err.message}`));
      me.once('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!stopping) {
          log(`postgres exited unexpectedly (${how})`);
          if (opts.restartOnCrash !== false && ready) void restart();
        }
        resolve(how);
      });
    });
    const started = Date.now();
    await waitUntilReady(dataDir, me, exited, tail);
    log(`embedded PostgreSQL ready on 127.0.0.1:${port} after ${Date.now() - started} ms`);
  };

  /**
   * The postmaster died (killed, out of memory): clear what it left (stale postmaster.pid,
   * backends still holding its shared memory) and start it again, backing off up to 5 s between
   * attempts, until it runs or the hub stops it. Requests meanwhile get DATABASE_UNAVAILABLE.
   */
  let restarting: Promise<void> | undefined;
  const restart = () =>
    (restarting ??= (async () => {
      for (let attempt = 1, wait = 100; !stopping; attempt++, wait = Math.min(wait * 2, 5_000)) {
        try {
          await clearPreviousServer(dataDir, log);
          if (stopping) return;
          await launch();
          log(`embedded PostgreSQL restarted after a crash (attempt ${attempt})`);
          opts.onRestart?.();
          return;
        } catch (err) {
          log(`restart attempt ${attempt} failed: ${(err as Error).message.split('\n')[0]}`);
          await sleep(wait);
        }
      }
    })().finally(() => {
      restarting = undefined;
    }));

  const onProcessExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onProcessExit);

  let ready = false;
  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      try {
        await restarting?.catch(() => undefined);
        await stopChild(child, exited);
        log('embedded PostgreSQL stopped');
      } finally {
        process.removeListener('exit', onProcessExit);
      }
    })();
    return stopPromise;
  };

  try {
    await launch();
    await ensureDatabase(port, database, log);
    ready = true;
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { url: urlFor(port, database), stop, pid: () => child.pid };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

function urlFor(port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function waitUntilReady(
  dataDir: string,
  child: ChildProcess,
  exited: Promise<string>,
  tail: string[],
): Promise<void> {
  let gone: string | undefined;
  void exited.then((how) => {
    gone = how;
  });
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (gone !== undefined) {
      throw new Error(`PostgreSQL did not start (${gone}):\n${tail.join('\n')}`);
    }
    // Line 1: the postmaster's pid; line 8: its status ("starting", "ready", "stopping"; a hot
    // standby replica that accepts read-only connections says "standby").
    const lines = (await fsp.readFile(pidFile, 'utf8').catch(() => '')).split('\n');
    const status = lines[7]?.trim();
    if (Number(lines[0]) === child.pid && (status === 'ready' || status === 'standby')) return;
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`);
    }
    await sleep(15);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', STOP_TIMEOUT_MS], // fast shutdown
    ['SIGQUIT', 5_000], // immediate shutdown
    ['SIGKILL', 5_000],
  ];
  for (const [signal, wait] of steps) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), wait);
      }),
    ]);
    clearTimeout(timer);
    if (done) return;
  }
  throw new Error(`PostgreSQL pid ${child.pid} did not stop`);
}

async function ensureDatabase(port: number, database: string, log: (msg: string) => void): Promise<void> {
  if (database === 'postgres') return;
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password: PASSWORD,
    database: 'postgres',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) {
      try {
        await client.query(`create database ${client.escapeIdentifier(database)}`);
        log(`created database ${database}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created meanwhile
      }
    }
  } finally {
    await client.end();
  }
}
