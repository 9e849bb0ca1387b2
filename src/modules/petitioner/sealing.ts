import type { Deps } from '../../services';
import type { PetitionerData } from './petitioner.service';

/** AAD per petitioner column: a ciphertext copied into another column does not decrypt there. */
export const PETITIONER_AAD = {
  name: 'petitioner.name',
  idNumber: 'petitioner.id_number',
  phone: 'petitioner.phone',
  address: 'petitioner.address',
} as const;

/** The stored columns of one petitioner: ciphertexts, blind indexes and the key they are under. */
export interface SealedPetitioner {
  nameEnc: string;
  idNumberEnc: string;
  phoneEnc: string | null;
  addressEnc: string | null;
  idNumberBidx: string;
  phoneBidx: string | null;
  namePhoneBidx: string | null;
  keyId: string;
}

/**
 * Seals one petitioner's (already validated and normalised) fields: the only place that
 * encrypts them (PetitionerService.register and the batch import both use it).
 */
export function sealPetitioner(
  deps: Pick<Deps, 'cipher' | 'blindIndex'>,
  data: PetitionerData,
): SealedPetitioner {
  const { cipher, blindIndex } = deps;
  return {
    nameEnc: cipher.encrypt(data.name, PETITIONER_AAD.name),
    idNumberEnc: cipher.encrypt(data.idNumber, PETITIONER_AAD.idNumber),
    phoneEnc: data.phone ? cipher.encrypt(data.phone, PETITIONER_AAD.phone) : null,
    addressEnc: data.address ? cipher.encrypt(data.address, PETITIONER_AAD.address) : null,
    idNumberBidx: blindIndex.idNumber(data.idNumber)!,
    phoneBidx: blindIndex.phone(data.phone),
    namePhoneBidx: blindIndex.namePhone(data.name, data.phone),
    keyId: cipher.currentKeyId,
  };
}
