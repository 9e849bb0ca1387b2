import { Migration } from '@mikro-orm/migrations';

/**
 * Allowances counted in fixed windows, shared by every hub instance (issue 12): the per-user
 * request budget (cost per minute) and the reveal allowance (per hour, per day). One row per user
 * and kind holds the current window; a spend is one `insert … on conflict do update … where
 * used + amount <= cap returning`, so concurrent spends queue on the row and never overshoot.
 */
export class Migration20261203090001_usage_windows extends Migration {
  override async up(): Promise<void> {
    // Unlogged: a spend writes no WAL, so its commit waits for no disk flush (the request budget is
    // one statement per request). A database crash forgets the current windows (at most a minute of
    // budget, the current hour and day of reveals); that errs towards letting users work.
    this.addSql(`create unlogged table usage_window (
      user_id text not null,
      kind text not null,
      window_start timestamptz not null,
      used int not null,
      cap int not null,
      primary key (user_id, kind)
    );`);
    this.addSql(
      `comment on table usage_window is 'Allowances per user in the current fixed window: request budget, reveals (issue 12)';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists usage_window;');
  }
}
