import { Migration } from '@mikro-orm/migrations';

/**
 * Sharing platform look-ups: the duplicate check's content index and the terminated-case list.
 * Both trigram indexes are partial (terminated cases only): that is all the platform searches.
 */
export class Migration20261128000004_sharing extends Migration {
  override async up(): Promise<void> {
    // Normalised facts and requests (duplicate-method.ts contentIndexText): candidate retrieval.
    this.addSql(`alter table petition_case add column dup_text text not null default '';`);
    this.addSql(
      `create index petition_case_dup_text_trgm on petition_case using gin (dup_text gin_trgm_ops) where status = 'TERMINATED';`,
    );
    // Free-text search over title and facts for terminatedCases(filter: { text }).
    this.addSql(
      `create index petition_case_text_trgm on petition_case using gin ((title || ' ' || facts_and_reasons) gin_trgm_ops) where status = 'TERMINATED';`,
    );
    this.addSql(
      `create index petition_case_terminated_list on petition_case (terminated_at desc, id desc) where status = 'TERMINATED';`,
    );
    this.addSql(
      `create index petition_case_terminated_unit on petition_case (handling_unit_id, terminated_at desc, id desc) where status = 'TERMINATED';`,
    );
    this.addSql(
      `create index petition_case_terminated_category on petition_case (category, terminated_at desc, id desc) where status = 'TERMINATED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop index if exists petition_case_terminated_category, petition_case_terminated_unit, petition_case_terminated_list, petition_case_text_trgm, petition_case_dup_text_trgm;',
    );
    this.addSql('alter table petition_case drop column if exists dup_text;');
  }
}
