import { Migration } from '@mikro-orm/migrations';

/**
 * A case's title as a reader who sees its petitioner masked reads it (`masked_title`,
 * sharing/search-text.ts `caseMaskedTitle`): redacted against the case's own petitioner when the
 * case is written, so the sharing page decrypts nothing for a masked reader. It cannot be derived
 * from `search_text` (title and facts run together) nor in SQL (the petitioner's values are
 * sealed): cases written before this migration have null here, and are read through the redactor
 * as before, until `PetitionerService.deriveMissingMasks` fills them (run at start, in the
 * background, and by `npm run keys:reencrypt`).
 */
export class Migration20261203131001_case_masked_title extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table petition_case add column masked_title text null;`);
    this.addSql(
      `create index petition_case_masked_title_missing on petition_case (id) where masked_title is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists petition_case_masked_title_missing;');
    this.addSql(`alter table petition_case drop column masked_title;`);
  }
}
