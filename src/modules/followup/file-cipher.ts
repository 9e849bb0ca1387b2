import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { parseKeyring } from '../petitioner/crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Domain separation: file keys are derived from, never equal to, the personal-data field keys. */
const HKDF_INFO = 'petition-hub/stored-file/aes-256-gcm/v1';

export interface SealedFile {
  keyId: string;
  /** iv (12 bytes) ‖ GCM tag (16 bytes) ‖ ciphertext. */
  sealed: Buffer;
}

/**
 * AES-256-GCM for uploaded files, under the configured personal-data keyring (PERSONAL_DATA_KEYS):
 * archived documents (ID card copies, notices) are personal data and a database dump must not
 * reveal them. Each file key is HKDF-SHA256(field key, info) so the field cipher's keys are never
 * used directly on bulk data; the key id is stored beside the content, so keys rotate as the
 * field keys do. The AAD binds a ciphertext to its declared SHA-256, and the plaintext is
 * checked against it after opening.
 */
export class FileCipher {
  readonly #keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keyringSpec: string) {
    const ring = parseKeyring(keyringSpec);
    for (const k of ring.keys) {
      this.#keys.set(k.id, Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), HKDF_INFO, 32)));
    }
    this.currentKeyId = ring.currentKeyId;
  }

  seal(plain: Buffer, sha256: string): SealedFile {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.currentKeyId)!, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(aad(this.currentKeyId, sha256));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { keyId: this.currentKeyId, sealed: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  open(file: SealedFile, sha256: string): Buffer {
    const key = this.#keys.get(file.keyId);
    if (!key) throw new Error(`FileCipher: unknown key id "${file.keyId}"`);
    const iv = file.sealed.subarray(0, IV_BYTES);
    const tag = file.sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(file.keyId, sha256));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(file.sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`FileCipher: authentication failed for key id "${file.keyId}"`);
    }
  }

  toJSON(): string {
    return '[FileCipher]';
  }
}

function aad(keyId: string, sha256: string): Buffer {
  return Buffer.from(`stored_file.content\u0000${keyId}\u0000${sha256}`, 'utf8');
}

const cache = new Map<string, FileCipher>();
/** One FileCipher per keyring (key derivation once per process, not per request). */
export function fileCipherFor(keyringSpec: string): FileCipher {
  let c = cache.get(keyringSpec);
  if (!c) {
    c = new FileCipher(keyringSpec);
    cache.set(keyringSpec, c);
  }
  return c;
}
