import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres } from './embedded';

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The database the hub uses: DATABASE_URL when set (nothing embedded is started),
 * otherwise an embedded PostgreSQL whose data lives under DATA_DIR/pg and survives restarts.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  opts: { attachIfRunning?: boolean } = {},
): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const started = Date.now();
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'pg'),
    port: config.embeddedPgPort,
    database: 'hub',
    log: (msg) => logger.debug({ component: 'embedded-postgres' }, msg),
    attachIfRunning: opts.attachIfRunning,
  });
  logger.info({ ms: Date.now() - started, port: config.embeddedPgPort }, 'embedded PostgreSQL started');
  return { url: pg.url, embedded: true, stop: pg.stop };
}
