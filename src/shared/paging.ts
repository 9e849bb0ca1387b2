import type { Problems } from '../errors';
import { isIsoDate } from './dates';

/**
 * How every list of the hub pages: `first` (the page size) and `after` (the `endCursor` of the
 * page before), checked together by `checkPage`; one cursor codec; one page cap, PAGE_MAX.
 *
 * - A list read from SQL fetches `first + 1` rows after the cursor's key (keyset paging) and
 *   hands them to `keysetPage`, which keeps `first` of them and says whether more follow.
 * - A list computed in memory (visit schedules, archive completeness) is paged by `pageOfSorted`.
 *
 * A cursor is the sort key of a page's last row, as a JSON array in base64url. Cursors are opaque
 * to clients: their encoding may change between versions (a stale cursor is refused as invalid,
 * never misread). Each item has a declared type, so a forged cursor is refused (BAD_USER_INPUT)
 * before it reaches SQL.
 *
 * The cost a list field adds to a query (graphql/limits.ts) is declared on the field with
 * `@Cost` (graphql/cost.ts); a paged field declares its page cap there too.
 */

/** The largest page of every list. */
export const PAGE_MAX = 100;

/** How large a page a list serves, and what it does with a larger `first`. */
export interface PageCap {
  max: number;
  /**
   * `first` above `max` is served as `max` rows instead of refused, and `first: 0` is allowed
   * (a page of nothing, for `totalCount`): the audit log's documented contract.
   */
  servesLarger?: boolean;
}

/** Every list: 1–100 per page, a larger `first` is refused. */
export const PAGE_CAP: PageCap = { max: PAGE_MAX };

/**
 * The one exception: the audit log pages up to 200 entries (supervisors read it in bulk) and, as
 * its schema says (超出按 200 计), serves a larger `first` as 200.
 */
export const AUDIT_LOG_PAGE_CAP: PageCap = { max: 200, servesLarger: true };

/**
 * The type of one cursor item: 's' any string, 'd' a calendar day (YYYY-MM-DD), 'i' a safe
 * integer, 'n' a finite number, 'b' a positive 64-bit integer kept as its decimal string (audit
 * sequence numbers may exceed 2^53).
 */
export type CursorItem = 's' | 'd' | 'i' | 'n' | 'b';
export type CursorShape = readonly CursorItem[];
type ItemValue<C extends CursorItem> = C extends 's' | 'd' | 'b' ? string : number;
/** The decoded key of a cursor of shape S: `['d', 'i']` → `[string, number]`. */
export type CursorOf<S extends CursorShape> = { -readonly [K in keyof S]: ItemValue<S[K]> };
/** Any cursor key. */
export type CursorKey = (string | number)[];

const INT64_MAX = 2n ** 63n - 1n;

function itemOk(type: CursorItem, v: unknown): boolean {
  switch (type) {
    case 's':
      return typeof v === 'string';
    case 'd':
      return isIsoDate(v);
    case 'i':
      return Number.isSafeInteger(v);
    case 'n':
      return typeof v === 'number' && Number.isFinite(v);
    case 'b':
      return typeof v === 'string' && /^[1-9][0-9]{0,18}$/.test(v) && BigInt(v) <= INT64_MAX;
  }
}

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** The key of a cursor of the given shape, or null when it is not one. */
export function decodeCursor<const S extends CursorShape>(cursor: string, shape: S): CursorOf<S> | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== shape.length) return null;
    return key.every((v, i) => itemOk(shape[i], v)) ? (key as CursorOf<S>) : null;
  } catch {
    return null;
  }
}

/** A checked page request: the rows to serve and the key to start after (null: from the start). */
export interface PageRequest<S extends CursorShape> {
  first: number;
  cursor: CursorOf<S> | null;
}

/**
 * Checks `first` and `after` together, adding every bad one to `p` (the caller adds its own
 * checks and throws once). `cap` is PAGE_CAP but for the audit log (AUDIT_LOG_PAGE_CAP).
 */
export function checkPage<const S extends CursorShape>(
  p: Problems,
  first: number,
  after: string | null | undefined,
  shape: S,
  cap: PageCap = PAGE_CAP,
): PageRequest<S> {
  if (cap.servesLarger)
    p.check(Number.isInteger(first) && first >= 0, 'first', '每页条数应为不小于 0 的整数');
  else
    p.check(Number.isInteger(first) && first >= 1 && first <= cap.max, 'first', `每页条数应为 1–${cap.max}`);
  const cursor = after ? decodeCursor(after, shape) : null;
  p.check(!after || cursor !== null, 'after', '分页游标无效');
  return { first: Math.min(first, cap.max), cursor };
}

/** One page of a list, as a service hands it to its resolver (graphql/connection.ts `toConnection`). */
export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export const emptyPage = <T>(): Page<T> => ({
  nodes: [],
  totalCount: 0,
  hasNextPage: false,
  endCursor: null,
});

/** A keyset page without its total: the rows kept, whether more follow, the last row's cursor. */
export type KeysetPage<T> = Omit<Page<T>, 'totalCount'>;

/**
 * The page of `rows` fetched in the list's order after the cursor with `limit first + 1`: the
 * first `first` rows, `hasNextPage` when the extra row came back, and the cursor of the last row
 * kept (`keyOf` gives its sort key, the key the next page starts after).
 */
export function keysetPage<R>(rows: R[], first: number, keyOf: (row: R) => CursorKey): KeysetPage<R> {
  const nodes = rows.slice(0, first);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    hasNextPage: rows.length > first,
    endCursor: last === undefined ? null : encodeCursor(keyOf(last)),
  };
}

/**
 * A keyset page as Relay edges (each node with its own cursor) and `pageInfo`, the shape of the
 * audit log's connection; `toNode` turns a row into the node served.
 */
export function edgesPage<R, T>(
  page: KeysetPage<R>,
  keyOf: (row: R) => CursorKey,
  toNode: (row: R) => T,
): { edges: { cursor: string; node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } {
  return {
    edges: page.nodes.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/**
 * One page of a list computed in memory: sorted by `keyOf` ascending (items compared in order;
 * strings as strings, so not for 'b' items), the page after `cursor`.
 */
export function pageOfSorted<T>(
  items: T[],
  keyOf: (item: T) => CursorKey,
  first: number,
  cursor: CursorKey | null,
): Page<T> {
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key));
  const start = cursor ? sorted.findIndex((x) => compareKeys(x.key, cursor) > 0) : 0;
  const rest = start < 0 ? [] : sorted.slice(start);
  const page = keysetPage(rest, first, (x) => x.key);
  return { ...page, nodes: page.nodes.map((x) => x.item), totalCount: sorted.length };
}
