import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000001_units extends Migration {
  override async up(): Promise<void> {
    this.addSql('create extension if not exists ltree;');
    this.addSql('create extension if not exists pg_trgm;');
    this.addSql(`create type unit_kind as enum ('PETITION_AGENCY', 'DEPARTMENT');`);
    this.addSql(`create table unit (
      id serial primary key,
      code varchar(64) not null unique,
      name varchar(200) not null,
      kind unit_kind not null,
      parent_id int null references unit(id) on delete restrict,
      path ltree not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index unit_parent_id_index on unit (parent_id);');
    this.addSql('create index unit_path_gist on unit using gist (path);');
    this.addSql('create unique index unit_path_unique on unit (path);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists unit;');
    this.addSql('drop type if exists unit_kind;');
  }
}
