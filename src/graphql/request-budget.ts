import { RateLimitedError } from '../errors';
import { spend, windowStart, type UsageWindow } from '../shared/usage-windows';
import type { Context } from './context';

/** A lease is at most this share of a user's budget a minute … */
export const LEASE_SHARE = 1 / 16;
/** … and at most this many requests of the cost that took it. */
export const LEASE_REQUESTS = 64;

/**
 * The per-user request budget (issue 12): each user may spend `perMinute` of query cost per
 * minute (the cost graphql/limits.ts computes, at least 1 a request), counted in PostgreSQL so
 * that all instances share it. A request over budget is refused before it runs, with RATE_LIMITED,
 * HTTP 429 and the seconds until the next minute (`Retry-After`, `extensions.retryAfterSeconds`):
 * one user's flood then costs the others little, not the work it asked for. Requests without a
 * user (the `{ __typename }` probe) are not counted; 0 turns the budget off.
 *
 * **Leases** (issue 11): a request that finds no lease spends, in the one statement it takes
 * anyway, a lease of budget for this instance: up to LEASE_REQUESTS times its own cost, at most
 * LEASE_SHARE of the minute's budget. The user's next requests on this instance spend what is
 * left of it in memory, with no statement and no wait on the user's row lock, until it is used up
 * or its minute ends (what is left then is dropped: the window starts over anyway). The database
 * counts a lease as spent when it is taken, so all instances together never let a user spend
 * more than the budget; what a lease leaves unspent only makes the others refuse a little early
 * (at most LEASE_SHARE of the budget per instance). Once a lease does not fit, this instance
 * spends exact costs for that user until the minute ends, so the last of the budget is spent
 * exactly. A lease is only taken when it covers at least two requests: a heavy query is always
 * spent exactly.
 *
 * Once the database has refused a user a cost in a window, this instance refuses that cost or
 * more without asking again until the window ends: what is left can only shrink within a window,
 * so the answer is the database's, without its round trip (cheaper requests still go to it).
 */
export function requestBudget(perMinute: number, now: () => Date) {
  const minute: UsageWindow = { kind: 'request:minute', seconds: 60, cap: perMinute };
  const refused = new Map<string, { until: number; cost: number }>();
  /** Budget spent in the database and not yet used here, per user, for the window it was spent in. */
  const leases = new Map<string, { window: number; left: number; exact: boolean }>();
  /** The spend under way per user: a user's concurrent requests wait for it instead of queueing in the database. */
  const pending = new Map<string, Promise<unknown>>();
  const maxLease = Math.floor(perMinute * LEASE_SHARE);
  const refusal = (cost: number, retryAfterSeconds: number) =>
    new RateLimitedError(
      `请求过于频繁：每位用户每分钟的查询代价上限为 ${perMinute}（REQUEST_BUDGET_PER_MINUTE），` +
        `本次查询代价 ${cost}；请 ${retryAfterSeconds} 秒后重试`,
      retryAfterSeconds,
      true,
    );
  const bound = () => {
    // bounds, not policies: dropping a lease or a refusal only costs a round trip later
    if (leases.size > 10_000) leases.clear();
    if (refused.size > 10_000) refused.clear();
  };

  return async (queryCost: number, ctx: Context): Promise<void> => {
    if (perMinute <= 0 || !ctx.actor) return;
    const { userId } = ctx.actor;
    const cost = Math.max(1, queryCost);
    for (;;) {
      const at = now();
      const window = windowStart(at, minute);
      const known = refused.get(userId);
      if (known && at.getTime() < known.until && cost >= known.cost)
        throw refusal(queryCost, Math.max(1, Math.ceil((known.until - at.getTime()) / 1000)));
      const lease = leases.get(userId);
      if (lease && lease.window === window && lease.left >= cost) {
        lease.left -= cost;
        return;
      }
      const busy = pending.get(userId);
      if (busy) {
        // one spend per user at a time on this instance; then look again (its lease may cover this one)
        await busy.catch(() => undefined);
        continue;
      }
      const exact = !!lease && lease.window === window && lease.exact;
      const size = exact ? cost : Math.min(maxLease, cost * LEASE_REQUESTS);
      const amount = size >= 2 * cost ? size : cost;
      const run = spend(ctx.em, userId, [minute], amount, at);
      pending.set(userId, run);
      let r: Awaited<typeof run>;
      try {
        r = await run;
      } finally {
        pending.delete(userId);
      }
      if (r.ok) {
        bound();
        leases.set(userId, { window, left: amount - cost, exact });
        return;
      }
      if (amount > cost) {
        // the lease did not fit: what is left of this minute is spent exactly
        bound();
        leases.set(userId, { window, left: 0, exact: true });
        continue;
      }
      bound();
      const until = window + 60_000; // the end of this minute's window
      refused.set(userId, {
        until,
        cost: known && at.getTime() < known.until ? Math.min(known.cost, cost) : cost,
      });
      throw refusal(queryCost, r.retryAfterSeconds);
    }
  };
}
