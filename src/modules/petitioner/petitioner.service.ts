import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import { Problems } from '../../errors';
import { Petitioner, PetitionerRecord } from './petitioner.entity';
import { PetitionCase } from '../case/case.entity';
import { checkIdNumber, checkPhone, normaliseName } from './identity';
import {
  PETITIONER_AAD as AAD,
  openMasked,
  sealMasked,
  sealPetitioner,
  type MaskedPetitioner,
} from './sealing';
import { caseMaskedTitle, caseSearchText } from '../sharing/search-text';

export interface PetitionerData {
  name: string;
  idNumber: string;
  phone?: string | null;
  address?: string | null;
}

/** Clear values of one petitioner, only ever held in memory for the length of a request. */
export interface PetitionerClear {
  name: string;
  idNumber: string;
  phone: string | null;
  address: string | null;
}

/**
 * Petitioners: validation, encryption at rest, blind-index look-ups. The only place that seals or
 * opens personal fields.
 */
export class PetitionerService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
  ) {}

  /** Checks and normalises petitioner input; every problem is reported under `prefix`. */
  validate(data: PetitionerData, problems: Problems, prefix = 'petitioner'): PetitionerData | null {
    const name = normaliseName(data.name ?? '');
    problems.check(name.length >= 1 && name.length <= 50, `${prefix}.name`, '姓名不能为空，且不超过50字');
    const id = checkIdNumber(data.idNumber, this.deps.now());
    if (!id.ok) problems.add(`${prefix}.idNumber`, id.reason);
    let phone: string | null = null;
    if (data.phone != null && data.phone.trim() !== '') {
      const ph = checkPhone(data.phone);
      if (!ph.ok) problems.add(`${prefix}.phone`, ph.reason);
      else phone = ph.value;
    }
    const address = data.address?.trim() || null;
    problems.check(!address || address.length <= 300, `${prefix}.address`, '地址不超过300字');
    if (!id.ok) return null;
    return { name, idNumber: id.value, phone, address };
  }

  /**
   * The person with this ID number, created if new (one person registered twice is one
   * petitioner), and the sealed record of what this registration says about them. The record is
   * kept on the case, so a registration never shows or overwrites what another unit recorded.
   */
  async register(
    em: EntityManager,
    data: PetitionerData,
  ): Promise<{ petitioner: Petitioner; record: PetitionerRecord }> {
    const { idNumberBidx, ...record } = sealPetitioner(this.deps, data);
    // Concurrent first registrations of one person: the unique index decides, nobody fails.
    await em.execute(
      `insert into petitioner (id_number_bidx) values (?) on conflict (id_number_bidx) do nothing`,
      [idNumberBidx],
    );
    const petitioner = await em.findOneOrFail(Petitioner, { idNumberBidx });
    return { petitioner, record: Object.assign(new PetitionerRecord(), record) };
  }

  /** Opens a sealed record. Callers decide (visibilityFor) whether the values may leave in clear. */
  open(r: PetitionerRecord): PetitionerClear {
    const { cipher } = this.deps;
    return {
      name: cipher.decrypt(r.nameEnc, AAD.name),
      idNumber: cipher.decrypt(r.idNumberEnc, AAD.idNumber),
      phone: r.phoneEnc ? cipher.decrypt(r.phoneEnc, AAD.phone) : null,
      address: r.addressEnc ? cipher.decrypt(r.addressEnc, AAD.address) : null,
    };
  }

  /** The masked forms sealed with a record (null when it has none yet). */
  openMasked(r: PetitionerRecord): MaskedPetitioner | null {
    return r.maskedEnc ? openMasked(this.deps.cipher, r.maskedEnc) : null;
  }

  /**
   * Derives the masked forms of records sealed before they were kept (Migration…060002), and the
   * sharing page's search text and masked title of cases written before they were kept
   * (Migration…120001, Migration…131001), in
   * batches, each one transaction with its rows locked; the hub runs it at start, in the
   * background. Returns how many records it filled.
   */
  async deriveMissingMasks(batchSize = 1000): Promise<number> {
    let filled = 0;
    for (;;) {
      // Only the new column is written: the case's version and updated_at stay as they were.
      const done = await this.em.transactional(async (em) => {
        const rows = await em.execute<
          {
            id: number;
            name_enc: string;
            id_number_enc: string;
            phone_enc: string | null;
            address_enc: string | null;
            title: string;
            facts: string;
          }[]
        >(
          `select id, petitioner_name_enc as name_enc, petitioner_id_number_enc as id_number_enc,
                  petitioner_phone_enc as phone_enc, petitioner_address_enc as address_enc,
                  title, facts_and_reasons as facts
             from petition_case
            where petitioner_masked_enc is null or search_text is null or masked_title is null
            order by id limit ? for update skip locked`,
          [batchSize],
        );
        if (!rows.length) return 0;
        const sealed = rows.map((r) => {
          const person = this.open({
            nameEnc: r.name_enc,
            idNumberEnc: r.id_number_enc,
            phoneEnc: r.phone_enc,
            addressEnc: r.address_enc,
          } as PetitionerRecord);
          return {
            id: r.id,
            masked: sealMasked(this.deps.cipher, person),
            search: caseSearchText(r.title, r.facts, person),
            title: caseMaskedTitle(r.title, person),
          };
        });
        // the sharing page's search text and masked title (sharing/search-text.ts) are derived here too
        await em.execute(
          `update petition_case c set petitioner_masked_enc = coalesce(c.petitioner_masked_enc, x.masked),
                  search_text = coalesce(c.search_text, x.search),
                  masked_title = coalesce(c.masked_title, x.title)
             from jsonb_to_recordset(?::jsonb) as x(id int, masked text, search text, title text)
            where c.id = x.id`,
          [JSON.stringify(sealed)],
        );
        return rows.length;
      });
      filled += done;
      if (done < batchSize) return filled;
    }
  }

  /**
   * Re-seals every case's petitioner record not under the current key, in batches, each batch one
   * transaction with its rows locked. Returns how many records moved.
   */
  async reencryptAll(batchSize = 500): Promise<number> {
    const { cipher } = this.deps;
    let moved = 0;
    for (;;) {
      const done = await this.em.transactional(async (em) => {
        const rows = await em.find(
          PetitionCase,
          { petitionerRecord: { keyId: { $ne: cipher.currentKeyId } } },
          { limit: batchSize, orderBy: { id: 'asc' }, lockMode: 4 /* PESSIMISTIC_WRITE */ },
        );
        for (const c of rows) {
          const r = c.petitionerRecord;
          r.nameEnc = cipher.reencrypt(r.nameEnc, AAD.name);
          r.idNumberEnc = cipher.reencrypt(r.idNumberEnc, AAD.idNumber);
          if (r.phoneEnc) r.phoneEnc = cipher.reencrypt(r.phoneEnc, AAD.phone);
          if (r.addressEnc) r.addressEnc = cipher.reencrypt(r.addressEnc, AAD.address);
          r.keyId = cipher.currentKeyId;
          r.maskedEnc = r.maskedEnc
            ? cipher.reencrypt(r.maskedEnc, AAD.masked)
            : sealMasked(cipher, this.open(r));
        }
        return rows.length;
      });
      moved += done;
      if (done < batchSize) return moved;
    }
  }
}
