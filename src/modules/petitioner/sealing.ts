import type { Deps } from '../../shared/deps';
import type { PetitionerData } from './petitioner.service';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking';

/** AAD per petitioner column: a ciphertext copied into another column does not decrypt there. */
export const PETITIONER_AAD = {
  name: 'petitioner.name',
  idNumber: 'petitioner.id_number',
  phone: 'petitioner.phone',
  address: 'petitioner.address',
  masked: 'petitioner.masked',
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
  /** What every reader not entitled to the clear values is shown (masking.ts), sealed beside them. */
  maskedEnc: string;
}

/** What a reader who may not see the petitioner in clear is shown. */
export interface MaskedPetitioner {
  name: string;
  idNumber: string;
  phone: string | null;
  address: string | null;
}

/**
 * The masked forms of a petitioner's clear values, sealed as one value: derived once, when the
 * record is sealed, and opened by `openMasked`.
 */
export function sealMasked(
  cipher: Pick<Deps['cipher'], 'encrypt'>,
  data: { name: string; idNumber: string; phone?: string | null; address?: string | null },
): string {
  const masked = [
    maskName(data.name),
    maskIdNumber(data.idNumber),
    // As sealed: an empty phone or address is stored as absent (null), so it is masked as null.
    data.phone ? maskPhone(data.phone) : null,
    data.address ? maskAddress(data.address) : null,
  ];
  return cipher.encrypt(JSON.stringify(masked), PETITIONER_AAD.masked);
}

/** Opened masked forms per cipher, by sealed value: a page read again decrypts nothing. */
const maskedSeen = new WeakMap<object, Map<string, MaskedPetitioner>>();
const MASKED_SEEN_MAX = 50_000;

/**
 * Opens the masked forms sealed with a record. They are what every department is shown anyway,
 * so the opened values are kept in memory (bounded), keyed by the sealed value itself.
 */
export function openMasked(cipher: Pick<Deps['cipher'], 'decrypt'>, maskedEnc: string): MaskedPetitioner {
  let seen = maskedSeen.get(cipher);
  if (!seen) maskedSeen.set(cipher, (seen = new Map()));
  const hit = seen.get(maskedEnc);
  if (hit) return hit;
  const [name, idNumber, phone, address] = JSON.parse(cipher.decrypt(maskedEnc, PETITIONER_AAD.masked)) as [
    string,
    string,
    string | null,
    string | null,
  ];
  const opened = Object.freeze({ name, idNumber, phone, address });
  if (seen.size >= MASKED_SEEN_MAX) seen.clear();
  seen.set(maskedEnc, opened);
  return opened;
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
    maskedEnc: sealMasked(cipher, data),
  };
}
