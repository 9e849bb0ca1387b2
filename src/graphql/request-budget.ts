import { RateLimitedError } from '../errors';
import { spend } from '../shared/usage-windows';
import type { Context } from './context';

/**
 * The per-user request budget (issue 12): each user may spend `perMinute` of query cost per
 * minute (the cost graphql/limits.ts computes, at least 1 a request), counted in PostgreSQL so
 * that all instances share it. One statement a request. A request over budget is refused before
 * it runs, with RATE_LIMITED, HTTP 429 and the seconds until the next minute (`Retry-After`,
 * `extensions.retryAfterSeconds`): one user's flood then costs the others little, not the work
 * it asked for. Requests without a user (the `{ __typename }` probe) are not counted; 0 turns the
 * budget off.
 *
 * Once the database has refused a user a cost in a window, this instance refuses that cost or
 * more without asking again until the window ends: what is left can only shrink within a window,
 * so the answer is the database's, without its round trip (cheaper requests still go to it).
 */
export function requestBudget(perMinute: number, now: () => Date) {
  const refused = new Map<string, { until: number; cost: number }>();
  const refusal = (cost: number, retryAfterSeconds: number) =>
    new RateLimitedError(
      `请求过于频繁：每位用户每分钟的查询代价上限为 ${perMinute}（REQUEST_BUDGET_PER_MINUTE），` +
        `本次查询代价 ${cost}；请 ${retryAfterSeconds} 秒后重试`,
      retryAfterSeconds,
      true,
    );
  return async (queryCost: number, ctx: Context): Promise<void> => {
    if (perMinute <= 0 || !ctx.actor) return;
    const { userId } = ctx.actor;
    const cost = Math.max(1, queryCost);
    const at = now();
    const known = refused.get(userId);
    if (known && at.getTime() < known.until && cost >= known.cost)
      throw refusal(queryCost, Math.max(1, Math.ceil((known.until - at.getTime()) / 1000)));
    const r = await spend(
      ctx.em,
      userId,
      [{ kind: 'request:minute', seconds: 60, cap: perMinute }],
      cost,
      at,
    );
    if (r.ok) return;
    if (refused.size > 10_000) refused.clear(); // a bound, not a policy: it only saves round trips
    const until = (Math.floor(at.getTime() / 60_000) + 1) * 60_000; // the end of this minute's window
    refused.set(userId, {
      until,
      cost: known && at.getTime() < known.until ? Math.min(known.cost, cost) : cost,
    });
    throw refusal(queryCost, r.retryAfterSeconds);
  };
}
