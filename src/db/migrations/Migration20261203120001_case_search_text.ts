import { Migration } from '@mikro-orm/migrations';

/**
 * The sharing page's text filter searches title and facts as masked readers read them
 * (`search_text`, sharing/search-text.ts), not the clear text: matching the clear text would let a
 * department confirm a guessed name or address by which cases match. The trigram index moves onto
 * it. Cases written before this migration have null here until
 * `PetitionerService.deriveMissingMasks` fills them (run at start and by `npm run keys:reencrypt`).
 */
export class Migration20261203120001_case_search_text extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table petition_case add column search_text text null;`);
    this.addSql('drop index if exists petition_case_text_trgm;');
    this.addSql(
      `create index petition_case_search_text_trgm on petition_case using gin (search_text gin_trgm_ops) where status = 'TERMINATED';`,
    );
    this.addSql(
      `create index petition_case_search_text_missing on petition_case (id) where search_text is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists petition_case_search_text_trgm, petition_case_search_text_missing;');
    this.addSql(`alter table petition_case drop column search_text;`);
    this.addSql(
      `create index petition_case_text_trgm on petition_case using gin ((title || ' ' || facts_and_reasons) gin_trgm_ops) where status = 'TERMINATED';`,
    );
  }
}
