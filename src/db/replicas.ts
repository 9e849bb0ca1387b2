import { AsyncLocalStorage } from 'node:async_hooks';
import { PostgreSqlDriver, type EntityManager, type Options } from '@mikro-orm/postgresql';
import type { ConnectionType } from '@mikro-orm/core';
import type { Config } from '../config';

/**
 * Read replicas (PostgreSQL streaming replication) for read-only look-ups, with read-your-writes.
 *
 * Which statements may go to a replica: MikroORM look-ups (find, findOne, loaders, query
 * builders) outside a transaction, during a request that `allowReplicaReads` marked as safe — a
 * GraphQL query (never a mutation) by a user who has not written within READ_YOUR_WRITES_SECONDS.
 * Everything else uses the primary: writes, transactions (quota, decision numbers, idempotency
 * and the audit chain all take locks there), raw `em.execute` (use `readOnlyExecute` to opt a
 * read-only statement in), command-line tasks, migrations, and any code outside a request.
 * A replica lags by milliseconds: an answer from it may be that much older, never different
 * from what the primary said at that moment.
 *
 * Read-your-writes: each write (a GraphQL mutation) stores `recent_write(user, until)` in the
 * primary, before its answer leaves; each query first asks the primary for that row (one
 * primary-key look-up). Stored in PostgreSQL, the rule holds whichever instance the next request
 * reaches, with no sticky sessions and nothing the client must echo.
 */
interface ReadRouting {
  replica: boolean;
}

const routing = new AsyncLocalStorage<ReadRouting>();

/** Runs `fn` (a request) with replica reads off until `allowReplicaReads` turns them on. */
export function withReadRouting<T>(fn: () => T): T {
  return routing.run({ replica: false }, fn);
}

/** Lets the rest of the current request read from a replica (see the rules above). */
export function allowReplicaReads(): void {
  const r = routing.getStore();
  if (r) r.replica = true;
}

/** PostgreSqlDriver whose read connection is a replica only inside a request allowed to use one. */
export class ReplicaRoutingDriver extends PostgreSqlDriver {
  override getConnection(type: ConnectionType = 'write') {
    return super.getConnection(type === 'read' && routing.getStore()?.replica ? 'read' : 'write');
  }
}

/** MikroORM options for DATABASE_REPLICA_URLS (none: nothing changes). */
export function replicaOptions(config: Pick<Config, 'replicas'>): Partial<Options> {
  const urls = config.replicas.urls;
  if (!urls.length) return {};
  return {
    driver: ReplicaRoutingDriver,
    preferReadReplicas: true,
    replicas: urls.map((clientUrl, i) => ({ name: `replica${i + 1}`, clientUrl })),
  };
}

/** A read-only raw statement, sent to a replica when the request allows it (else the primary). */
export async function readOnlyExecute<T extends object[]>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  if (em.isInTransaction()) return em.execute<T>(sql, params);
  return (await em.getDriver().getConnection('read').execute(sql, params, 'all')) as T;
}

/** Notes that the user just wrote: their requests read from the primary for `seconds`. */
export async function noteWrite(em: EntityManager, userId: string, seconds: number): Promise<void> {
  await em.execute(
    `insert into recent_write (user_id, until) values (?, now() + make_interval(secs => ?))
     on conflict (user_id) do update set until = excluded.until`,
    [userId, seconds],
  );
}

/** Whether the user wrote within the read-your-writes window (asked of the primary). */
export async function wroteRecently(em: EntityManager, userId: string): Promise<boolean> {
  const rows = await em.execute<{ ok: number }[]>(
    'select 1 as ok from recent_write where user_id = ? and until > now()',
    [userId],
  );
  return rows.length > 0;
}
