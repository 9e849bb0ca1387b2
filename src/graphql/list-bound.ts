import { Int, type ArgOptions } from 'type-graphql';
import { Problems } from '../errors';

/**
 * Lists under one record that grow without a bound the domain sets (tracking records, visits,
 * findings, document versions, …) answer their most recent `last` items, in their usual order:
 * the query cost (graphql/limits.ts counts `last`) then bounds what a request can fetch.
 * Use: `@Arg('last', () => Int, LAST_ARG) last: number` and `return latest(list, last)`.
 */
export const LIST_LAST_MAX = 500;
/** The assumed size of an unpaged list before (DEFAULT_LIST_SIZE), so costs stayed as they were. */
export const LIST_LAST_DEFAULT = 20;
export const LAST_ARG: ArgOptions = {
  defaultValue: LIST_LAST_DEFAULT,
  description: `最近的多少条（默认 ${LIST_LAST_DEFAULT}，最多 ${LIST_LAST_MAX}）`,
};
export const LastInt = () => Int;

/** The last `last` items; `last` outside 1–LIST_LAST_MAX is BAD_USER_INPUT. */
export function latest<T>(items: T[], last: number): T[] {
  new Problems()
    .check(Number.isInteger(last) && last >= 1 && last <= LIST_LAST_MAX, 'last', `应为 1–${LIST_LAST_MAX}`)
    .throwIfAny();
  return items.slice(-last);
}
