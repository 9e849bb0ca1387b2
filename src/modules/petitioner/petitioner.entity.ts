import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A petitioner. Every personal field is sealed by FieldCipher (AES-256-GCM, key id inside the
 * value); exact-match look-ups go through keyed HMAC blind indexes. A dump of this table shows
 * ciphertext and hashes only.
 */
@Entity({ tableName: 'petitioner' })
export class Petitioner {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'phoneEnc' | 'addressEnc' | 'phoneBidx' | 'namePhoneBidx';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ columnType: 'text', lazy: false })
  nameEnc!: string;

  @Property({ columnType: 'text' })
  idNumberEnc!: string;

  @Property({ columnType: 'text', nullable: true })
  phoneEnc?: string | null;

  @Property({ columnType: 'text', nullable: true })
  addressEnc?: string | null;

  @Property({ length: 64, unique: true })
  idNumberBidx!: string;

  @Property({ length: 64, nullable: true })
  phoneBidx?: string | null;

  @Property({ length: 64, nullable: true })
  namePhoneBidx?: string | null;

  /** Key the row is sealed under, so re-encryption finds old rows by index. */
  @Property({ length: 32 })
  keyId!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
