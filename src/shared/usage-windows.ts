import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Allowances counted in fixed windows in PostgreSQL (table `usage_window`), so that every hub
 * instance sees the same count: the per-user request budget, the reveal allowance and the
 * duplicate check's allowances and identity limits (sharing.service.ts).
 *
 * One row per (user, kind) holds the current window. A spend is one statement: insert, or add to
 * the row when the window is the same, or start the row over when a new window has begun, and
 * only while `used + amount <= cap`; `returning` says which windows took the amount. Concurrent
 * spends queue on the row lock, so a cap is never overshot, however many requests run at once.
 */
export interface UsageWindow {
  /** e.g. `request:minute`, `reveal:hour`, `reveal:day`. */
  kind: string;
  /** Window length in seconds; windows are aligned to multiples of it … */
  seconds: number;
  /** … shifted by this many seconds (8 h: days start at midnight in Beijing). */
  offsetSeconds?: number;
  cap: number;
  /** Whose window, when not the spending user's (e.g. the user's unit: `kind` keeps them apart). */
  subject?: string;
  /**
   * A distinct-count window: `used` is the number of different members spent in the window
   * (at most `cap`, kept in `members`); spending a member already there costs nothing.
   */
  member?: string;
}

export type SpendResult =
  { ok: true; used: Map<string, number> } | { ok: false; full: UsageWindow; retryAfterSeconds: number };

export function windowStart(now: Date, w: UsageWindow): number {
  const len = w.seconds * 1000;
  const off = (w.offsetSeconds ?? 0) * 1000;
  return Math.floor((now.getTime() + off) / len) * len - off;
}

function refused(w: UsageWindow, now: Date): SpendResult {
  const end = windowStart(now, w) + w.seconds * 1000;
  return { ok: false, full: w, retryAfterSeconds: Math.max(1, Math.ceil((end - now.getTime()) / 1000)) };
}

/**
 * The spend as one `insert … on conflict do update … returning kind, used` (a CTE can embed it):
 * every window that took the amount returns its row; a window without room returns none and is
 * left unchanged. With several windows a refusal may leave the others spent: run it inside the
 * write's transaction and roll back (see `spentAll`).
 */
export function spendStatement(
  userId: string,
  windows: readonly UsageWindow[],
  amount: number,
  now: Date,
): { sql: string; params: unknown[] } {
  const params = windows.flatMap((w) => [
    w.subject ?? userId,
    w.kind,
    new Date(windowStart(now, w)).toISOString(),
    amount,
    w.cap,
    w.member ?? null,
  ]);
  // The window's count after this spend: a new window starts over; a distinct window grows only
  // by a member it does not hold yet.
  const next = `case when excluded.window_start > u.window_start then excluded.used
      when excluded.members is null then u.used + excluded.used
      when excluded.members[1] = any(u.members) then u.used else u.used + 1 end`;
  const sql = `insert into usage_window as u (user_id, kind, window_start, used, cap, members)
     select v.user_id, v.kind, v.window_start, case when v.member is null then v.used else 1 end, v.cap,
            case when v.member is null then null else array[v.member] end
       from (values ${windows.map(() => '(?, ?, ?::timestamptz, ?::int, ?::int, ?::text)').join(', ')})
         as v(user_id, kind, window_start, used, cap, member)
     on conflict (user_id, kind) do update
       set window_start = greatest(u.window_start, excluded.window_start),
           members = case when excluded.members is null then null
             when excluded.window_start > u.window_start then excluded.members
             when excluded.members[1] = any(u.members) then u.members
             else coalesce(u.members, '{}') || excluded.members end,
           used = ${next},
           cap = excluded.cap
       where ${next} <= excluded.cap
     returning kind, used`;
  return { sql, params };
}

/** What a spend's returned rows mean: all windows spent, or the first one without room. */
export function spentAll(
  windows: readonly UsageWindow[],
  rows: readonly { kind: string; used: number }[],
  now: Date,
): SpendResult {
  const used = new Map(rows.map((r) => [r.kind, Number(r.used)]));
  const full = windows.find((w) => !used.has(w.kind));
  return full ? refused(full, now) : { ok: true, used };
}

/**
 * Spends `amount` in every window, or reports the first window that has no room. With several
 * windows, a refusal may leave the others spent: call it inside the write's transaction and throw.
 */
export async function spend(
  em: EntityManager,
  userId: string,
  windows: readonly UsageWindow[],
  amount: number,
  now: Date,
): Promise<SpendResult> {
  const tooBig = windows.find((w) => amount > w.cap);
  if (tooBig) return refused(tooBig, now);
  const { sql, params } = spendStatement(userId, windows, amount, now);
  return spentAll(windows, await em.execute<{ kind: string; used: number }[]>(sql, params), now);
}
