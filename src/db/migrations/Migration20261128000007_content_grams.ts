import { Migration } from '@mikro-orm/migrations';

/**
 * The duplicate check's content index, bounded at any corpus size.
 *
 * A trigram index over whole texts is not selective on petition prose: every text shares its
 * common words with most others, so a similarity search reads most of the index. Instead each
 * case carries the set of its character bigrams as integers (`dup_grams`, generated from
 * `dup_text`, so every write path fills it), with a GIN index on terminated cases. The check
 * looks up only the query's rarest bigrams, judged by the planner's own element statistics
 * (pg_stats.most_common_elems, kept by ANALYZE), so the rows read are bounded by a budget and
 * not by the number of cases (sharing/content-grams.ts).
 */
export class Migration20261128000007_content_grams extends Migration {
  override async up(): Promise<void> {
    // intarray: GIN for int[] overlap, and a fast intersection count (icount(a & b)) for ranking.
    this.addSql('create extension if not exists intarray;');
    // A bigram as one integer, no hash: (first code point - 32768) * 65536 + second code point;
    // exact within the Basic Multilingual Plane, rarer characters beyond it fold onto it (more
    // candidates, never fewer).
    // Sorted, without repeats.
    this.addSql(`create function content_grams(t text) returns int[]
      language sql immutable strict parallel safe as $$
        select coalesce(array_agg(distinct g order by g), '{}') from (
          select (ascii(ch) % 65536 - 32768) * 65536 + ascii(lead(ch) over (order by n)) % 65536 as g
            from unnest(string_to_array(t, null)) with ordinality u(ch, n)) x
         where g is not null
      $$;`);
    this.addSql(
      `alter table petition_case add column dup_grams int[] generated always as (content_grams(dup_text)) stored;`,
    );
    // 10 000 most common bigrams with their frequencies: what "rare" is measured against.
    this.addSql('alter table petition_case alter column dup_grams set statistics 1000;');
    this.addSql(
      `create index petition_case_dup_grams on petition_case using gin (dup_grams gin__int_ops) where status = 'TERMINATED';`,
    );
    this.addSql('drop index if exists petition_case_dup_text_trgm;');
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index petition_case_dup_text_trgm on petition_case using gin (dup_text gin_trgm_ops) where status = 'TERMINATED';`,
    );
    this.addSql('drop index if exists petition_case_dup_grams;');
    this.addSql('alter table petition_case drop column if exists dup_grams;');
    this.addSql('drop function if exists content_grams(text);');
    this.addSql('drop extension if exists intarray;');
  }
}
