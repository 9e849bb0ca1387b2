import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { entities } from './entities';
import { migrationsList } from './migrations';

/** How long a request waits for a database connection (DATABASE_TIMEOUT_MS) before it is refused. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;

/**
 * Connection and pool timeouts: while the database is down or hung, a request is refused with
 * DATABASE_UNAVAILABLE after at most `ms` instead of waiting (knex's default is 60 s).
 */
export function databaseTimeouts(ms: number): Partial<Options> {
  return { driverOptions: { acquireConnectionTimeout: ms, connection: { connectionTimeoutMillis: ms } } };
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
