import type { EntityManager, Knex } from '@mikro-orm/postgresql';

// SQL with real bind parameters, for the import's checks against the database and its writes.

/** Runs one statement, returns its rows. */
export type Sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/**
 * Statements on the EntityManager's connection (inside its transaction when it has one), with
 * the parameters sent as bind parameters. em.execute inlines parameters into the SQL text, which
 * for a batch's megabytes of JSON costs more than the statement itself.
 */
export function sqlOf(em: EntityManager): Sql {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex();
  return async <R>(text: string, params: unknown[] = []) =>
    ((await knex.raw(text, params as Knex.RawBinding[])) as { rows: R[] }).rows;
}
