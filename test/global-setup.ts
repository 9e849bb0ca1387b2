import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Client } from 'pg';
import { initOrm, migrate } from '../src/db/orm';

/**
 * One PostgreSQL server for the run: TEST_DATABASE_URL (or DATABASE_URL) when set, otherwise an
 * embedded one in a temporary directory. A migrated template database is made once; each test
 * file gets its own copy (CREATE DATABASE … TEMPLATE), so files never see each other's rows.
 */
export default async function globalSetup() {
  let serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!serverUrl) {
    const { startEmbeddedPostgres, findFreePort } = await import('../src/db/embedded');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-pg-'));
    const pg = await startEmbeddedPostgres({
      dataDir,
      port: await findFreePort(),
      database: 'postgres',
      log: () => {},
    });
    (globalThis as Record<string, unknown>).__HUB_TEST_PG__ = { stop: pg.stop, dataDir };
    serverUrl = pg.url;
  }
  const template = `hub_tmpl_${process.pid}`;
  const admin = new Client({ connectionString: withDb(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await admin.end();
  const orm = await initOrm(withDb(serverUrl, template));
  await migrate(orm);
  await orm.close();
  // MikroORM keeps entity metadata on globalThis; jest would hand this realm's copy to the tests.
  for (const key of Object.keys(globalThis))
    if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  process.env.HUB_TEST_SERVER_URL = serverUrl;
  process.env.HUB_TEST_TEMPLATE = template;
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
