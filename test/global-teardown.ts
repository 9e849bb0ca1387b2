import fs from 'node:fs';
import { Client } from 'pg';
import { withDb } from './global-setup';

export default async function globalTeardown() {
  const serverUrl = process.env.HUB_TEST_SERVER_URL!;
  const admin = new Client({ connectionString: withDb(serverUrl, 'postgres') });
  await admin.connect();
  const { rows } = await admin.query(
    `select datname from pg_database where datname = $1 or starts_with(datname, $1 || '_f')`,
    [process.env.HUB_TEST_TEMPLATE],
  );
  for (const r of rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.end();
  const pg = (globalThis as Record<string, unknown>).__HUB_TEST_PG__ as
    { stop(): Promise<void>; dataDir: string } | undefined;
  if (pg) {
    await pg.stop();
    fs.rmSync(pg.dataDir, { recursive: true, force: true });
  }
}
