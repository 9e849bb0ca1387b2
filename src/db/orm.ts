import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { entities } from './entities';
import { migrationsList } from './migrations';

/** How long opening a database connection may take (DATABASE_TIMEOUT_MS) before the request is refused. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;

/** How long a request may queue for a free pooled connection under load (knex's default). */
export const POOL_WAIT_MS = 60_000;

/**
 * Connection timeouts: while the database is down or hung, opening a connection fails after at
 * most `ms` and the request is refused with DATABASE_UNAVAILABLE (knex passes the connect error
 * on at once). A full pool is load, not an outage: a request waits there up to POOL_WAIT_MS, so
 * under load an answer is slower, not refused.
 */
export function databaseTimeouts(ms: number): Partial<Options> {
  return {
    driverOptions: {
      acquireConnectionTimeout: Math.max(ms, POOL_WAIT_MS),
      connection: { connectionTimeoutMillis: ms },
    },
  };
}

export function ormOptions(databaseUrl: string, extra: Partial<Options> = {}): Options {
  return {
    clientUrl: databaseUrl,
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator, SeedManager],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    seeder: { path: 'src/db/seeders', defaultSeeder: 'DemoSeeder' },
    forceUtcTimezone: true,
    metadataCache: { enabled: false },
    debug: false,
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    ...databaseTimeouts(DEFAULT_DATABASE_TIMEOUT_MS),
    ...extra,
  };
}

export async function initOrm(databaseUrl: string, extra: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, extra));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
