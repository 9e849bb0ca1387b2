import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to the unit table, by any writer, notifies `petition_hub_unit_changed` (once per
 * statement, delivered on commit): each hub instance drops its cached unit tree (org/unit-tree.ts).
 */
export class Migration20261203060001_unit_tree_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_unit_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('petition_hub_unit_changed', '');
        return null;
      end $$;`);
    this.addSql(`create trigger unit_changed after insert or update or delete or truncate on unit
      for each statement execute function notify_unit_changed();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists unit_changed on unit;');
    this.addSql('drop function if exists notify_unit_changed();');
  }
}
