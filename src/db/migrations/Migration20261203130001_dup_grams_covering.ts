import { Migration } from '@mikro-orm/migrations';

/**
 * checkDuplicate re-ranks its pool of up to 200 cases (sharing/dup-candidates.ts) by the exact
 * similarity of their bigram sets: one look-up of `dup_grams` per pooled case. In the heap that
 * read a wide row and its out-of-line TOAST value (~11 buffers per case, ~2,200 per check, a working
 * set larger than shared_buffers on 100,000 cases). A covering partial index of terminated cases'
 * ids with their bigram sets makes it one index-only look-up (~3 buffers). A b-tree entry holds at
 * most ~2,700 bytes, so only sets of at most 600 bigrams are covered (COVERED_GRAMS,
 * dup-candidates.ts; every generated case has fewer than 200); a longer set, from a long text, is
 * found through the second index and read from the heap, so no insert can fail on the entry size.
 * Index-only reads need the visibility map: terminated cases are seldom updated, and autovacuum
 * keeps it.
 */
export class Migration20261203130001_dup_grams_covering extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index petition_case_dup_grams_covering on petition_case (id) include (dup_grams)
        where status = 'TERMINATED' and icount(dup_grams) <= 600;`,
    );
    this.addSql(
      `create index petition_case_dup_grams_long on petition_case (id)
        where status = 'TERMINATED' and icount(dup_grams) > 600;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists petition_case_dup_grams_long;');
    this.addSql('drop index if exists petition_case_dup_grams_covering;');
  }
}
