import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../services';
import { Problems } from '../../errors';
import { Petitioner } from './petitioner.entity';
import { checkIdNumber, checkPhone, normaliseName } from './identity';
import { PETITIONER_AAD as AAD, sealPetitioner } from './sealing';

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
   * The petitioner with this ID number, created if new: one person registered twice is one
   * petitioner. Contact details given again replace the old ones (the latest are the useful
   * ones); the row is re-sealed whole under the current key, so its key id and its name+phone
   * index always describe every field.
   */
  async upsert(em: EntityManager, data: PetitionerData): Promise<Petitioner> {
    const idNumberBidx = this.deps.blindIndex.idNumber(data.idNumber)!;
    const existing = await em.findOne(Petitioner, { idNumberBidx });
    if (!existing) return em.create(Petitioner, sealPetitioner(this.deps, data));
    const old = this.open(existing);
    Object.assign(
      existing,
      sealPetitioner(this.deps, {
        ...data,
        phone: data.phone || old.phone,
        address: data.address || old.address,
      }),
    );
    return existing;
  }

  /** Opens a petitioner's fields. Callers decide (PersonalDataPolicy) whether the values may leave in clear. */
  open(p: Petitioner): PetitionerClear {
    const { cipher } = this.deps;
    return {
      name: cipher.decrypt(p.nameEnc, AAD.name),
      idNumber: cipher.decrypt(p.idNumberEnc, AAD.idNumber),
      phone: p.phoneEnc ? cipher.decrypt(p.phoneEnc, AAD.phone) : null,
      address: p.addressEnc ? cipher.decrypt(p.addressEnc, AAD.address) : null,
    };
  }

  /**
   * Re-seals every row not under the current key, in batches, each batch one transaction.
   * Returns how many rows moved.
   */
  async reencryptAll(batchSize = 500): Promise<number> {
    const { cipher } = this.deps;
    let moved = 0;
    for (;;) {
      const done = await this.em.transactional(async (em) => {
        const rows = await em.find(
          Petitioner,
          { keyId: { $ne: cipher.currentKeyId } },
          { limit: batchSize, orderBy: { id: 'asc' }, lockMode: 4 /* PESSIMISTIC_WRITE */ },
        );
        for (const p of rows) {
          p.nameEnc = cipher.reencrypt(p.nameEnc, AAD.name);
          p.idNumberEnc = cipher.reencrypt(p.idNumberEnc, AAD.idNumber);
          if (p.phoneEnc) p.phoneEnc = cipher.reencrypt(p.phoneEnc, AAD.phone);
          if (p.addressEnc) p.addressEnc = cipher.reencrypt(p.addressEnc, AAD.address);
          p.keyId = cipher.currentKeyId;
        }
        return rows.length;
      });
      moved += done;
      if (done < batchSize) return moved;
    }
  }
}
