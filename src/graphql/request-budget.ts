import { RateLimitedError } from '../errors';
import { spend } from '../shared/usage-windows';
import type { Context } from './context';

/**
 * The per-user request budget (issue 12): each user may spend `perMinute` of query cost per
 * minute (the cost graphql/limits.ts computes, at least 1 a request), counted in PostgreSQL so
 * that all instances share it. One statement a request. A request over budget is refused before
 * it runs, with RATE_LIMITED, HTTP 429 and the seconds until the next minute (`Retry-After`,
 * `extensions.retryAfterSeconds`): one user's flood then costs the others one indexed upsert
 * per request, not the work it asked for. Requests without a user (the `{ __typename }` probe)
 * are not counted; 0 turns the budget off.
 */
export function requestBudget(perMinute: number, now: () => Date) {
  return async (cost: number, ctx: Context): Promise<void> => {
    if (perMinute <= 0 || !ctx.actor) return;
    const r = await spend(
      ctx.em,
      ctx.actor.userId,
      [{ kind: 'request:minute', seconds: 60, cap: perMinute }],
      Math.max(1, cost),
      now(),
    );
    if (!r.ok)
      throw new RateLimitedError(
        `请求过于频繁：每位用户每分钟的查询代价上限为 ${perMinute}（REQUEST_BUDGET_PER_MINUTE），` +
          `本次查询代价 ${cost}；请 ${r.retryAfterSeconds} 秒后重试`,
        r.retryAfterSeconds,
        true,
      );
  };
}
