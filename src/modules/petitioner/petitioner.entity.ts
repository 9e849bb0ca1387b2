import { Embeddable, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A petitioner as one person: identified by the blind index of the ID number, so one person
 * registered twice (at any unit) is one petitioner. The personal data itself is not here: each
 * case keeps the petitioner as it was registered on that case (PetitionerRecord), so what an
 * officer sees in clear is what their own unit recorded, never another unit's details.
 */
@Entity({ tableName: 'petitioner' })
export class Petitioner {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  idNumberBidx!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * The petitioner's personal data as recorded on one case, sealed by FieldCipher (AES-256-GCM,
 * key id inside the value), with keyed HMAC blind indexes for exact look-ups. A dump of the
 * table shows ciphertext and hashes only.
 */
@Embeddable()
export class PetitionerRecord {
  @Property({ columnType: 'text' })
  nameEnc!: string;

  @Property({ columnType: 'text' })
  idNumberEnc!: string;

  @Property({ columnType: 'text', nullable: true })
  phoneEnc?: string | null;

  @Property({ columnType: 'text', nullable: true })
  addressEnc?: string | null;

  @Property({ length: 64, nullable: true })
  phoneBidx?: string | null;

  @Property({ length: 64, nullable: true })
  namePhoneBidx?: string | null;

  /**
   * The masked forms (masking.ts) as one sealed JSON array [name, idNumber, phone, address],
   * derived when sealed: a masked reader opens this one value and runs no masking. Null on
   * records sealed before it existed, until PetitionerService.deriveMissingMasks runs.
   */
  @Property({ columnType: 'text', nullable: true })
  maskedEnc?: string | null;

  /** Key the record is sealed under, so re-encryption finds old rows by index. */
  @Property({ length: 32 })
  keyId!: string;
}
