import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes the (case, bigram) pairs of `pairs` (a query, read twice rather than materialised):
 * counts them, then posts those still rare. Counters are raised in bigram order, so two writers
 * never deadlock.
 */
const indexPairs = (pairs: string) => `
  with counted as (
    insert into dup_gram_df as d (gram, cases)
    select gram, count(*) from (${pairs}) p group by gram order by gram
    on conflict (gram) do update set cases = d.cases + excluded.cases
    returning gram, cases)
  insert into dup_gram_posting (gram, case_id)
  select p.gram, p.case_id from (${pairs}) p
   where p.gram in (select gram from counted where cases <= dup_rare_cases())
  on conflict do nothing`;

/**
 * The duplicate check's content index, with a bounded cost per check (sharing/dup-candidates.ts),
 * and its per-user allowance counter.
 *
 * An inverted index of the rare bigrams of terminated cases, kept exact by the database:
 * `dup_gram_df` counts for every bigram the terminated cases that ever held it (it never goes
 * down), and `dup_gram_posting` lists (bigram, case) for the bigrams held by at most RARE cases
 * (2000) when the case was indexed. Because the count never goes down, a bigram whose count is
 * at most RARE now has a posting for every terminated case that holds it; a commoner bigram is
 * not looked up (it names a template, 要求 or 反映, not a matter). So each posting list has at
 * most RARE entries, whatever the corpus. The rows follow the case through triggers, in the
 * writing transaction: a case becoming TERMINATED (termination notice, import),
 * its text changing, or the case being deleted. Counters are raised in bigram order, so two
 * writers never deadlock.
 *
 * (Measured against a bottom-k MinHash sketch with LSH-style look-ups: on generated, templated
 * cases nearly every bigram is a template's, the sketches are all template and a retelling found
 * its case 8–28 times in 100; the rare-bigram index found it 100 times in 100. README.)
 *
 * The GIN index of bigrams and its raised statistics target go: the look-up no longer reads the
 * planner's statistics (an ANALYZE sample, so the old answer could change with each ANALYZE).
 */
export class Migration20261203040001_dup_grams extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table dup_gram_df (gram int primary key, cases int not null);`);
    this.addSql(`create table dup_gram_posting (
      gram int not null,
      case_id int not null,
      primary key (gram, case_id)
    );`);
    // The one rule for "rare" (2000 cases), shared by the triggers and the look-up.
    this.addSql(
      `create function dup_rare_cases() returns int language sql immutable parallel safe as 'select 2000';`,
    );
    this.addSql(`create function dup_gram_on_insert() returns trigger language plpgsql as $$
      begin
        ${indexPairs(`select n.id as case_id, g as gram from new_rows n, unnest(n.dup_grams) g where n.status = 'TERMINATED'`)};
        return null;
      end $$;`);
    // A row trigger, called only for rows whose terminated-ness or text changed (its WHEN clause):
    // most updates of a case (a re-import of the same text, a new version) touch neither, and a
    // row trigger needs no transition tables of the whole statement's rows.
    this.addSql(`create function dup_gram_on_update() returns trigger language plpgsql as $$
      begin
        if old.status = 'TERMINATED' then
          delete from dup_gram_posting d using unnest(old.dup_grams) g
           where d.gram = g and d.case_id = old.id
             and not (new.status = 'TERMINATED' and g = any(new.dup_grams));
        end if;
        if new.status = 'TERMINATED' then
          ${indexPairs(`select new.id as case_id, g as gram from unnest(new.dup_grams) g
            where not (old.status = 'TERMINATED' and g = any(old.dup_grams))`)};
        end if;
        return null;
      end $$;`);
    this.addSql(`create function dup_gram_on_delete() returns trigger language plpgsql as $$
      begin
        delete from dup_gram_posting d using old_rows o, unnest(o.dup_grams) g
         where o.status = 'TERMINATED' and d.gram = g and d.case_id = o.id;
        return null;
      end $$;`);
    this.addSql(`create trigger petition_case_dup_gram_insert after insert on petition_case
      referencing new table as new_rows for each statement execute function dup_gram_on_insert();`);
    this
      .addSql(`create trigger petition_case_dup_gram_update after update of status, dup_text on petition_case
      for each row when ((old.status = 'TERMINATED' or new.status = 'TERMINATED')
                         and (old.status is distinct from new.status or old.dup_text is distinct from new.dup_text))
      execute function dup_gram_on_update();`);
    this.addSql(`create trigger petition_case_dup_gram_delete after delete on petition_case
      referencing old table as old_rows for each statement execute function dup_gram_on_delete();`);
    // The cases terminated before this migration.
    this.addSql(
      `${indexPairs(`select c.id as case_id, g as gram from petition_case c, unnest(c.dup_grams) g where c.status = 'TERMINATED'`)};`,
    );
    this.addSql('drop index if exists petition_case_dup_grams;');
    this.addSql('alter table petition_case alter column dup_grams set statistics -1;');

    // The duplicate check's allowance: one row per user with this clock hour's and this day's
    // count, raised by one conditional upsert (exact under concurrency: the row lock orders a
    // user's parallel checks for that one statement only).
    this.addSql(`create table duplicate_check_allowance (
      user_id text primary key,
      hour_start timestamptz not null,
      hour_n int not null,
      day_start timestamptz not null,
      day_n int not null
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists duplicate_check_allowance;');
    this.addSql('alter table petition_case alter column dup_grams set statistics 1000;');
    this.addSql(
      `create index petition_case_dup_grams on petition_case using gin (dup_grams gin__int_ops) where status = 'TERMINATED';`,
    );
    this.addSql('drop trigger if exists petition_case_dup_gram_delete on petition_case;');
    this.addSql('drop trigger if exists petition_case_dup_gram_update on petition_case;');
    this.addSql('drop trigger if exists petition_case_dup_gram_insert on petition_case;');
    this.addSql('drop function if exists dup_gram_on_delete(), dup_gram_on_update(), dup_gram_on_insert();');
    this.addSql('drop function if exists dup_index_grams(jsonb), dup_rare_cases();');
    this.addSql('drop table if exists dup_gram_posting, dup_gram_df;');
  }
}
