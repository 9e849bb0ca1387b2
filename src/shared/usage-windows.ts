import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Allowances counted in fixed windows in PostgreSQL (table `usage_window`), so that every hub
 * instance sees the same count: the per-user request budget, the reveal allowance and the
 * duplicate check's allowances and identity limits (sharing.service.ts).
 *
 * One row per (user, kind) holds the current window. A spend is one statement (`usage_spend`):
 * add to each row when the window is the same, or start it over when a new window has begun, and
 * only if every window stays within its cap; otherwise none changes. Concurrent spends queue on
 * the row locks for that statement, so a cap is never overshot, however many requests run at once.
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
 * The spend as one statement (a CTE can embed it), all or nothing: `usage_spend` (migration
 * 20261203110001) locks every window's row in the order given and changes them only if each has
 * room. It returns each window's count after the spend, or one row with -1 for the first window
 * without room (then nothing was spent).
 *
 * `after` (a CTE of the enclosing statement) makes the spend wait until that CTE is complete: the
 * rows are locked from the spend to the end of the statement, so whatever the statement computes
 * before the spend does not hold other spenders of a shared window (the unit's) in the queue.
 */
export function spendStatement(
  userId: string,
  windows: readonly UsageWindow[],
  amount: number,
  now: Date,
  after?: string,
): { sql: string; params: unknown[] } {
  const list = (xs: (string | number | null)[]) =>
    `{${xs.map((x) => (x === null ? 'NULL' : JSON.stringify(String(x)))).join(',')}}`;
  const sql = after
    ? // the first argument depends on the count of `after`, so that CTE is read to its end first
      `select s.k as kind, s.n as used from (select count(*) as n from ${after}) w_,
         lateral usage_spend(case when w_.n >= 0 then ?::text[] end, ?::text[], ?::timestamptz[], ?::int, ?::int[], ?::text[]) s`
    : `select k as kind, n as used from usage_spend(?::text[], ?::text[], ?::timestamptz[], ?::int, ?::int[], ?::text[])`;
  const params = [
    list(windows.map((w) => w.subject ?? userId)),
    list(windows.map((w) => w.kind)),
    list(windows.map((w) => new Date(windowStart(now, w)).toISOString())),
    amount,
    list(windows.map((w) => w.cap)),
    list(windows.map((w) => w.member ?? null)),
  ];
  return { sql, params };
}

/** What a spend's returned rows mean: all windows spent, or the first one without room. */
export function spentAll(
  windows: readonly UsageWindow[],
  rows: readonly { kind: string; used: number }[],
  now: Date,
): SpendResult {
  const used = new Map(rows.map((r) => [r.kind, Number(r.used)]));
  // the window without room comes back with -1; with none back, the statement spent nothing
  const full = windows.find((w) => used.get(w.kind) === -1) ?? windows.find((w) => !used.has(w.kind));
  return full ? refused(full, now) : { ok: true, used };
}

/** Spends `amount` in every window, or in none and reports the first window that has no room. */
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
