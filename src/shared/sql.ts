import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { keysetPage, type CursorKey, type Page } from './paging';

/**
 * A PostgreSQL array literal for a `?::int[]` (or `?::text[]`) parameter: knex would expand a JS
 * array into a list of parameters. Only for numbers and for simple codes (no commas, quotes or
 * braces).
 */
export const arrayLiteral = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`;

/**
 * The conditions of a list's SQL `where`, ANDed, each written together with its `?` parameters
 * (so a list's optional filters read one line each, and the parameters keep the text's order).
 */
export class Conditions {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  /** A condition and its parameters, one per `?`. */
  and(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  /** An optional filter: `sql` (with one `?`) for `value`, left out when the filter is not set. */
  andIf(value: unknown, sql: string): this {
    return value ? this.and(sql, value) : this;
  }

  /** A calendar-day column within an inclusive period of days (either end may be open). */
  dayIn(column: string, period: { from: string | null; to: string | null }): this {
    return this.andIf(period.from, `${column} >= ?::date`).andIf(period.to, `${column} <= ?::date`);
  }

  /** A span of days from `fromColumn` to `toColumn` that overlaps the period. */
  spanOverlaps(
    fromColumn: string,
    toColumn: string,
    period: { from: string | null; to: string | null },
  ): this {
    return this.andIf(period.from, `${toColumn} >= ?::date`).andIf(period.to, `${fromColumn} <= ?::date`);
  }

  /** A timestamptz column within [from, toExclusive) (either end may be open). */
  instantIn(column: string, bounds: { from: string | null; toExclusive: string | null }): this {
    return this.andIf(bounds.from, `${column} >= ?::timestamptz`).andIf(
      bounds.toExclusive,
      `${column} < ?::timestamptz`,
    );
  }

  /** The conditions ANDed, for after `where`. */
  get sql(): string {
    return this.parts.join(' and ');
  }
}

/** The entities of `ids`, in that order. */
export async function inIdOrder<T extends { id: number }>(
  em: EntityManager,
  entity: EntityClass<T>,
  ids: readonly number[],
): Promise<T[]> {
  if (!ids.length) return [];
  const rows = await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

/**
 * A page of `entity` newest first (id descending, keyset `id < cursor`) with its total: the rows
 * of `from` (`from <table> <alias> join …`) that meet `where`. The one page of the id-ordered SQL
 * lists (cases, feedback, inspections, rectification orders, accountability records).
 */
export async function newestFirstPage<T extends { id: number }>(
  em: EntityManager,
  entity: EntityClass<T>,
  alias: string,
  from: string,
  where: Conditions,
  first: number,
  cursor: CursorKey | null,
): Promise<Page<T>> {
  const base = `${from} where ${where.sql}`;
  const [[{ total }], rows] = await Promise.all([
    em.execute<{ total: number }[]>(`select count(*)::int as total ${base}`, where.params),
    em.execute<{ id: number }[]>(
      `select ${alias}.id ${base} ${cursor ? `and ${alias}.id < ?` : ''} order by ${alias}.id desc limit ?`,
      [...where.params, ...(cursor ?? []), first + 1],
    ),
  ]);
  const page = keysetPage(rows, first, (r) => [r.id]);
  return {
    ...page,
    nodes: await inIdOrder(
      em,
      entity,
      page.nodes.map((r) => r.id),
    ),
    totalCount: total,
  };
}
