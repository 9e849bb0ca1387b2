import { Migration } from '@mikro-orm/migrations';

/**
 * The duplicate check's allowances move into `usage_window` (issue 12, the ID oracle): one counter
 * mechanism for requests, reveals and checks. `members` makes a window count distinct values
 * (the identities one user checked against one content, or in one day) instead of spends; it holds
 * keyed blind indexes only, at most `cap` of them.
 */
export class Migration20261203110001_dup_oracle extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table usage_window add column members text[];');
    this.addSql('drop table if exists duplicate_check_allowance;');
  }

  override async down(): Promise<void> {
    this.addSql(`create table duplicate_check_allowance (
      user_id text primary key,
      hour_start timestamptz not null,
      hour_n int not null,
      day_start timestamptz not null,
      day_n int not null
    );`);
    this.addSql('alter table usage_window drop column if exists members;');
  }
}
