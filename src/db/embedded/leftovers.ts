import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OWNER_SETTING, STOP_TIMEOUT_MS, run, sleep } from './common';

// A previous server on the same data directory: stale postmaster.pid, orphaned postmaster,
// leftover backends of a killed one.

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
export async function clearPreviousServer(
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
