import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PASSWORD, SUPERUSER, pipeLines, run } from './common';
import { chownTree, type RunAs } from './postgres-user';

// The cluster in the data directory: initdb for a new one, owner and mode for an existing one.

export async function initialiseCluster(
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
export async function fixDataDir(dataDir: string, runAs: RunAs | undefined, log: (msg: string) => void) {
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
