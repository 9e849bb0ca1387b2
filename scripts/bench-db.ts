import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { initOrm, migrate } from '../src/db/orm';
import { createDeps } from '../src/services';
import { arg, flag } from './args';

/** The command line every database benchmark takes: `[N=100000] [--db NAME] [--server URL] [--keep]`. */
export interface BenchDatabaseArgs {
  /** Cases to generate into a new database. */
  n: number;
  server: string;
  /** The database: --db NAME, or `<prefix>_<pid>`, this run's own. */
  db: string;
  /** Drop the database at the end if this run created it: no --db and no --keep. */
  dropIfCreated: boolean;
  /** N and NAME are well-formed. */
  valid: boolean;
}

/** Takes the common options out of process.argv; call it after the script's own options (N is positional). */
export function benchDatabaseArgs(prefix: string): BenchDatabaseArgs {
  const keep = flag('--keep');
  const dbArg = arg('--db');
  const server =
    arg('--server') ?? process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const n = process.argv[2] ? Number(process.argv[2]) : 100_000;
  return {
    n,
    server,
    db: dbArg ?? `${prefix}_${process.pid}`,
    dropIfCreated: !keep && dbArg === undefined,
    valid: Number.isInteger(n) && n >= 1 && (dbArg === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(dbArg)),
  };
}

/** The URL of database `db` on the PostgreSQL server that `server` names. */
export function databaseUrl(server: string, db: string): string {
  const url = new URL(server);
  url.pathname = `/${db}`;
  return url.toString();
}

/** Duplicate-check limits for one benchmark user, who makes far more checks than a clerk may. */
export const MANY_DUPLICATE_CHECKS = {
  DUPLICATE_CHECKS_PER_HOUR: '100000',
  DUPLICATE_CHECKS_PER_DAY: '1000000',
};

/** The services' dependencies for a benchmark's in-process hub on `dbUrl` (development config). */
export function benchDeps(dbUrl: string, env: Record<string, string> = {}) {
  return createDeps(loadConfig({ NODE_ENV: 'development', DATABASE_URL: dbUrl, ...env }));
}

/** A benchmark's database, with the server connection that made (and may drop) it. */
export interface BenchDatabase {
  name: string;
  url: string;
  admin: Client;
  /** It was there before this run (its data may be reused). */
  existed: boolean;
}

/** Connects to `server` and creates database `name` unless it exists. */
export async function openBenchDatabase(server: string, name: string): Promise<BenchDatabase> {
  const admin = new Client({ connectionString: server });
  await admin.connect();
  const existed = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount! > 0;
  if (!existed) await admin.query(`create database ${name}`);
  return { name, url: databaseUrl(server, name), admin, existed };
}

/**
 * Migrates the database, then fills it with `populate` unless it already has cases (a database
 * kept from an earlier run is reused as it is: N on the command line is ignored).
 */
export async function migrateAndPopulate(db: BenchDatabase, populate: () => Promise<void>): Promise<void> {
  const o = await initOrm(db.url);
  let have: number;
  try {
    const done = await migrate(o);
    [{ n: have }] = await o.em
      .fork()
      .execute<{ n: number }[]>('select count(*)::int as n from petition_case');
    console.log(
      `database ${db.name}: ${db.existed ? 'exists' : 'created'}, ${done.length} migrations applied`,
    );
  } finally {
    await o.close();
  }
  if (have > 0) console.log(`reusing its ${have} cases (N on the command line is ignored)`);
  else await populate();
}

/** Drops the database when `drop` (a run's own, not kept), and closes the server connection. */
export async function closeBenchDatabase(db: BenchDatabase, drop: boolean): Promise<void> {
  if (drop) {
    await db.admin.query(`drop database ${db.name}`);
    console.log(`dropped database ${db.name}`);
  } else console.log(`kept database ${db.name}`);
  await db.admin.end();
}
