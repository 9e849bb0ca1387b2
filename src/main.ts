import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { openDatabase } from './db/database';
import { databaseTimeouts, initOrm, migrate } from './db/orm';
import { replicaOptions } from './db/replicas';
import { createApp } from './app';
import { warmUpWords } from './modules/sharing/words';
import { PetitionerService } from './modules/petitioner/petitioner.service';

/** config → database → migrations → schema → HTTP; stops cleanly on SIGINT/SIGTERM. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  let orm;
  try {
    orm = await initOrm(db.url, { ...databaseTimeouts(config.databaseTimeoutMs), ...replicaOptions(config) });
    const applied = await migrate(orm);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } catch (e) {
    await db.stop();
    throw e;
  }
  const hub = await createApp({ config, orm, logger });
  // the duplicate check's dictionary and word weights, loaded before the first check rather than in it
  warmUpWords();
  const port = await hub.listen(config.port);
  // Records sealed before masked forms were kept get them now, in the background (masked readers
  // open and mask such records on read until then). Idempotent; several instances may run it.
  void new PetitionerService(orm.em.fork(), hub.deps)
    .deriveMissingMasks()
    .then((n) => n && logger.info({ records: n }, 'masked forms derived'))
    .catch((e) => logger.warn({ err: { name: (e as Error).name } }, 'deriving masked forms failed'));
  logger.info(
    { url: `http://localhost:${port}/graphql`, embeddedDatabase: db.embedded },
    '信访终结后续管理平台已启动',
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await hub.stop();
      logger.info('http stopped');
      await orm.close();
      logger.info('database connections closed');
      await db.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (e) {
      logger.error({ err: e }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error('启动失败 (start failed):', e instanceof Error ? e.message : e);
  process.exit(1);
});
