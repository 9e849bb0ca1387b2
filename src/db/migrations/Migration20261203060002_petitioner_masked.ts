import { Migration } from '@mikro-orm/migrations';

/**
 * The masked forms of each case's petitioner record (`张*`, `110101********123X`, `138****5678`,
 * the address to county level), derived when the record is sealed and kept beside it, sealed too
 * (one value, so a dump still shows no district or surname): a reader who sees the petitioner
 * masked (every department) opens one short value and runs no masking. Records sealed before this
 * migration have null here until `PetitionerService.deriveMissingMasks` fills them (the hub runs it
 * at start, `npm run keys:reencrypt` too); until then they are opened and masked on read.
 */
export class Migration20261203060002_petitioner_masked extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table petition_case add column petitioner_masked_enc text null;`);
    this.addSql(
      `create index petition_case_masks_missing on petition_case (id) where petitioner_masked_enc is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists petition_case_masks_missing;');
    this.addSql(`alter table petition_case drop column petitioner_masked_enc;`);
  }
}
