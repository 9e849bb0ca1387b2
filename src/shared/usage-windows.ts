import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Allowances counted in fixed windows in PostgreSQL (table `usage_window`), so that every hub
 * instance sees the same count: the per-user request budget and the reveal allowance.
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
}

export type SpendResult =
  { ok: true; used: Map<string, number> } | { ok: false; full: UsageWindow; retryAfterSeconds: number };

function windowStart(now: Date, w: UsageWindow): number {
  const len = w.seconds * 1000;
  const off = (w.offsetSeconds ?? 0) * 1000;
  return Math.floor((now.getTime() + off) / len) * len - off;
}

function refused(w: UsageWindow, now: Date): SpendResult {
  const end = windowStart(now, w) + w.seconds * 1000;
  return { ok: false, full: w, retryAfterSeconds: Math.max(1, Math.ceil((end - now.getTime()) / 1000)) };
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
  const params = windows.flatMap((w) => [
    userId,
    w.kind,
    new Date(windowStart(now, w)).toISOString(),
    amount,
    w.cap,
  ]);
  const rows = await em.execute<{ kind: string; used: number }[]>(
    `insert into usage_window as u (user_id, kind, window_start, used, cap)
     select * from (values ${windows.map(() => '(?, ?, ?::timestamptz, ?::int, ?::int)').join(', ')})
       as v(user_id, kind, window_start, used, cap)
     on conflict (user_id, kind) do update
       set window_start = greatest(u.window_start, excluded.window_start),
           used = case when excluded.window_start > u.window_start then excluded.used else u.used + excluded.used end,
           cap = excluded.cap
       where case when excluded.window_start > u.window_start then excluded.used else u.used + excluded.used end
             <= excluded.cap
     returning kind, used`,
    params,
  );
  const used = new Map(rows.map((r) => [r.kind, Number(r.used)]));
  const full = windows.find((w) => !used.has(w.kind));
  return full ? refused(full, now) : { ok: true, used };
}
