import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { openDatabase } from '../db/database';
import { initOrm, migrate } from '../db/orm';

/**
 * Runs a command-line task against the hub's database (embedded when DATABASE_URL is unset),
 * migrated first, and always closes what it opened. Exit code 1 on failure, 78 on bad config.
 */
export async function runCli(
  task: (ctx: { config: Config; orm: MikroORM; logger: Logger }) => Promise<number | void>,
  opts: { migrate?: boolean } = {},
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  // Next to a running `npm start`, share its embedded PostgreSQL rather than fail.
  const db = await openDatabase(config, logger, { attachIfRunning: true });
  let code: number;
  let orm: MikroORM | undefined;
  try {
    orm = await initOrm(db.url);
    if (opts.migrate !== false) await migrate(orm);
    code = (await task({ config, orm, logger })) ?? 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    code = 1;
  } finally {
    await orm?.close();
    await db.stop();
  }
  process.exit(code);
}

/** The actor a command-line task acts as; recorded as such in the audit log. */
export function systemActor(task: string) {
  return { userId: `system:${task}`, name: `命令行任务 ${task}`, role: 'SYSTEM', unitCode: '-' };
}
