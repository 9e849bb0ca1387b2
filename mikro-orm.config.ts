import 'reflect-metadata';
import { loadConfig } from './src/config';
import { ormOptions } from './src/db/orm';

/**
 * For the MikroORM CLI (`npx mikro-orm ...`) against an explicit DATABASE_URL.
 * The hub itself resolves its database in src/db/database.ts (embedded when DATABASE_URL is unset).
 */
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error('mikro-orm CLI 需要 DATABASE_URL；npm run migrate 会自动使用内嵌数据库');
}
export default ormOptions(config.databaseUrl);
