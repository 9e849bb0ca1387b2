import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config } from '../../src/config';
import type { Role } from '../../src/access/roles';
import { databaseTimeouts, initOrm } from '../../src/db/orm';
import { replicaOptions } from '../../src/db/replicas';
import { createApp, type Hub } from '../../src/app';
import { createLogger } from '../../src/logger';
import { signDevToken } from '../../src/auth/tokens';
import { withDb } from '../global-setup';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestHub {
  url: string;
  databaseUrl: string;
  orm: MikroORM;
  hub: Hub;
  config: Config;
  /** Every log line the hub wrote (level debug and up), for checks that logs carry no personal data. */
  logs: string[];
  /** SQL statements the hub's ORM has sent (every statement, including raw ones); tests may reset it. */
  queries: string[];
  /** The hub's clock; tests may move it. */
  clock: { now: Date };
  token(role: Role, unitCode: string, name?: string): Promise<string>;
  /** POST a GraphQL operation through the real HTTP server. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlResult<T>>;
  /** Plain SQL on the test database (for checks the API must not be trusted with). */
  sql<R = any>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * A hub on its own fresh database (copied from the migrated template), listening on a free port.
 * Everything is real: HTTP, Apollo, shield, MikroORM, PostgreSQL.
 */
export async function startTestHub(
  env: Record<string, string> = {},
  opts: { databaseUrl?: string } = {},
): Promise<TestHub> {
  const databaseUrl = opts.databaseUrl ?? (await freshDatabase());
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, ...env });
  const queries: string[] = [];
  const orm = await initOrm(databaseUrl, {
    ...databaseTimeouts(config.databaseTimeoutMs),
    ...replicaOptions(config),
    debug: ['query'],
    colors: false,
    logger: (message: string) => {
      if (message.includes('[query]')) queries.push(message);
    },
  });
  const clock = { now: new Date() };
  const logs: string[] = [];
  const logger = createLogger('debug', {
    write: (line: string) => {
      logs.push(line);
      if (process.env.HUB_TEST_LOG) process.stdout.write(line);
    },
  });
  const hub = await createApp({ config, orm, logger, now: () => new Date(clock.now), stopGraceMs: 0 });
  const port = await hub.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const sqlClient = new Client({ connectionString: databaseUrl });
  // A test may stop its database: the lost connection must not crash the test run.
  sqlClient.on('error', () => undefined);
  await sqlClient.connect();

  return {
    url,
    databaseUrl,
    orm,
    hub,
    config,
    clock,
    queries,
    logs,
    token: (role, unitCode, name) => signDevToken(config, { role, unitCode, name }),
    async gql(query, variables, token) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GqlResult<any>, 'status'>;
      return { status: res.status, ...body };
    },
    async sql(text, params) {
      return (await sqlClient.query(text, params as unknown[])).rows;
    },
    async close() {
      await sqlClient.end().catch(() => undefined);
      await hub.stop();
      await orm.close();
    },
  };
}

/** A new database copied from the migrated template; dropped by the global teardown. */
export async function freshDatabase(): Promise<string> {
  const server = process.env.HUB_TEST_SERVER_URL!;
  const template = process.env.HUB_TEST_TEMPLATE!;
  const dbName = `${template}_f${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: withDb(server, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${dbName} template ${template}`);
  await admin.end();
  return withDb(server, dbName);
}

/** Fails with the errors in view when a GraphQL call did not succeed. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors, null, 2)}`);
  return r.data as T;
}

/** The single error's code (and message), for refusal tests. */
export function errorOf(r: GqlResult): { code: string; message: string; extensions: Record<string, any> } {
  if (!r.errors?.length) throw new Error(`expected an error, got data ${JSON.stringify(r.data)}`);
  const e = r.errors[0];
  return { code: e.extensions?.code, message: e.message, extensions: e.extensions ?? {} };
}
