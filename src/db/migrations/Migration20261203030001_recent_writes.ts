import { Migration } from '@mikro-orm/migrations';

/**
 * Read-your-writes with read replicas (src/db/replicas.ts): a user who has just written reads
 * from the primary until `until`. Kept in the primary, so the rule holds whichever hub instance
 * the user's next request reaches. One small row per user, overwritten on each write.
 */
export class Migration20261203030001_recent_writes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table recent_write (
      user_id text primary key,
      until timestamptz not null
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table recent_write;');
  }
}
