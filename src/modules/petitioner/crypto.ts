/**
 * Application-level encryption and blind indexes for personal fields (DESIGN.md §3).
 *
 * - FieldCipher: AES-256-GCM with a key id in every ciphertext so keys can rotate.
 *   Sealed format: `v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>` (no padding).
 *   The optional AAD (use the column / field name) binds a ciphertext to its field, so it cannot be
 *   copied into another column and decrypted there. The version and key id are authenticated too.
 * - BlindIndex: keyed HMAC-SHA256 over a domain-separated normalised value for exact-match look-ups.
 *
 * Error messages never contain plaintext, key material or the sealed value.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { normaliseIdNumber, normaliseName, normalisePhone } from './identity';

export interface CipherKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface Keyring {
  keys: CipherKey[];
  currentKeyId: string;
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids appear in the sealed string and in the keyring spec, so `.`, `:` and `,` are excluded. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

function assertKeyId(id: unknown, where: string): asserts id is string {
  if (typeof id !== 'string' || !KEY_ID.test(id)) {
    throw new Error(`${where}: invalid key id (use 1-32 characters from A-Z a-z 0-9 _ -)`);
  }
}

/** Strict base64url decoding: rejects stray characters and non-canonical encodings. */
function decodeB64url(s: string): Buffer | null {
  if (!B64URL.test(s)) return null;
  const buf = Buffer.from(s, 'base64url');
  return buf.toString('base64url') === s ? buf : null;
}

function additionalData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${aad ?? ''}`, 'utf8');
}

interface Parsed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ct: Buffer;
}

function parseSealed(sealed: string): Parsed {
  if (typeof sealed !== 'string') throw new Error('FieldCipher: ciphertext must be a string');
  const parts = sealed.split('.');
  if (parts.length !== 5)
    throw new Error('FieldCipher: malformed ciphertext (expected 5 dot-separated parts)');
  const [version, keyId, ivS, tagS, ctS] = parts;
  if (version !== VERSION) throw new Error('FieldCipher: unsupported ciphertext version');
  if (!KEY_ID.test(keyId)) throw new Error('FieldCipher: malformed ciphertext (bad key id)');
  const iv = decodeB64url(ivS);
  const tag = decodeB64url(tagS);
  const ct = decodeB64url(ctS);
  if (!iv || iv.length !== IV_BYTES) throw new Error('FieldCipher: malformed ciphertext (bad IV)');
  if (!tag || tag.length !== TAG_BYTES) throw new Error('FieldCipher: malformed ciphertext (bad auth tag)');
  if (!ct) throw new Error('FieldCipher: malformed ciphertext (bad ciphertext encoding)');
  return { keyId, iv, tag, ct };
}

export class FieldCipher {
  // Private (#) fields are invisible to util.inspect / JSON.stringify, so keys don't leak into logs.
  readonly #keys = new Map<string, Buffer>();
  readonly #currentKeyId: string;

  constructor(config: Keyring) {
    if (!config || !Array.isArray(config.keys) || config.keys.length === 0) {
      throw new Error('FieldCipher: at least one key is required');
    }
    for (const k of config.keys) {
      assertKeyId(k?.id, 'FieldCipher');
      if (!Buffer.isBuffer(k.key) || k.key.length !== KEY_BYTES) {
        const got = Buffer.isBuffer(k.key) ? `${k.key.length} bytes` : 'not a Buffer';
        throw new Error(`FieldCipher: key "${k.id}" must be ${KEY_BYTES} bytes (got ${got})`);
      }
      if (this.#keys.has(k.id)) throw new Error(`FieldCipher: duplicate key id "${k.id}"`);
      this.#keys.set(k.id, Buffer.from(k.key)); // private copy
    }
    assertKeyId(config.currentKeyId, 'FieldCipher currentKeyId');
    if (!this.#keys.has(config.currentKeyId)) {
      throw new Error(`FieldCipher: current key id "${config.currentKeyId}" is not in the keyring`);
    }
    this.#currentKeyId = config.currentKeyId;
  }

  /** Builds a cipher from a keyring spec string (see {@link parseKeyring}). */
  static fromSpec(spec: string): FieldCipher {
    return new FieldCipher(parseKeyring(spec));
  }

  get currentKeyId(): string {
    return this.#currentKeyId;
  }

  /** Encrypts under the current key. `aad` should be the field name (e.g. `petitioner.id_number`). */
  encrypt(plain: string, aad?: string): string {
    if (typeof plain !== 'string') throw new Error('FieldCipher: plaintext must be a string');
    const keyId = this.#currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(keyId, aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      keyId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  /** Decrypts with the key named in the ciphertext. Throws if the key is unknown or authentication fails. */
  decrypt(sealed: string, aad?: string): string {
    const { keyId, iv, tag, ct } = parseSealed(sealed);
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`FieldCipher: unknown key id "${keyId}"`);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        `FieldCipher: authentication failed for key id "${keyId}" (tampered data, wrong key or wrong field/AAD)`,
      );
    }
  }

  /** The key id a sealed value was encrypted under (throws if malformed). */
  keyIdOf(sealed: string): string {
    return parseSealed(sealed).keyId;
  }

  /** True when the value was sealed under a key other than the current one. */
  needsReencryption(sealed: string): boolean {
    return this.keyIdOf(sealed) !== this.#currentKeyId;
  }

  /** Decrypts and re-encrypts under the current key (same AAD). */
  reencrypt(sealed: string, aad?: string): string {
    return this.encrypt(this.decrypt(sealed, aad), aad);
  }

  toJSON(): string {
    return '[FieldCipher]';
  }
}

/**
 * Blind indexes: hex HMAC-SHA256 of a domain-separated normalised value. Equal inputs in any
 * spelling (spaces, case, separators, country code) give equal indexes. Null/empty input → null.
 * Use a key distinct from the encryption keys. Changing the key requires recomputing all indexes.
 */
export class BlindIndex {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length < KEY_BYTES) {
      const got = Buffer.isBuffer(key) ? `${key.length} bytes` : 'not a Buffer';
      throw new Error(`BlindIndex: key must be at least ${KEY_BYTES} bytes (got ${got})`);
    }
    this.#key = Buffer.from(key);
  }

  #hmac(domain: string, value: string): string {
    return createHmac('sha256', this.#key).update(`${domain}:${value}`, 'utf8').digest('hex');
  }

  /** Index of `normaliseIdNumber(raw)` (not validated). */
  idNumber(raw: string | null | undefined): string | null {
    if (raw == null) return null;
    const v = normaliseIdNumber(raw);
    return v === '' ? null : this.#hmac('id', v);
  }

  /** Index of `normalisePhone(raw)` (not validated). */
  phone(raw: string | null | undefined): string | null {
    if (raw == null) return null;
    const v = normalisePhone(raw);
    return v === '' ? null : this.#hmac('phone', v);
  }

  /** Index of name + phone; null if either is missing. */
  namePhone(name: string | null | undefined, phone: string | null | undefined): string | null {
    if (name == null || phone == null) return null;
    const n = normaliseName(name);
    const p = normalisePhone(phone);
    if (n === '' || p === '') return null;
    // The phone is digits only, so "<phone>:<name>" is unambiguous.
    return this.#hmac('name-phone', `${p}:${n}`);
  }

  /** Keyed digest of any text, e.g. an idempotency key's input that holds a petitioner. */
  text(domain: string, value: string): string {
    return this.#hmac(domain, value);
  }

  toJSON(): string {
    return '[BlindIndex]';
  }
}

/** Standard or URL-safe base64 (not mixed), padding optional; rejects non-canonical encodings. */
function decodeKeyBase64(b64: string): Buffer | null {
  const body = b64.replace(/=+$/, '');
  const padding = b64.length - body.length;
  if (padding > 2 || (padding > 0 && b64.length % 4 !== 0)) return null;
  if (!/^[A-Za-z0-9+/]+$/.test(body) && !/^[A-Za-z0-9_-]+$/.test(body)) return null;
  return decodeB64url(body.replace(/\+/g, '-').replace(/\//g, '_'));
}

/**
 * Parses a keyring spec `k1:BASE64KEY,k2:BASE64KEY` (standard or URL-safe base64, padding optional,
 * whitespace around entries ignored). Every key must decode to 32 bytes; the LAST entry is current.
 * Error messages name the entry / key id but never include key material.
 */
export function parseKeyring(spec: string): Keyring {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error('Keyring: spec is empty (expected "<id>:<base64 32-byte key>[,<id>:<key>...]")');
  }
  const entries = spec.split(',');
  const keys: CipherKey[] = [];
  const seen = new Set<string>();
  entries.forEach((rawEntry, index) => {
    const n = index + 1;
    const entry = rawEntry.trim();
    if (entry === '') throw new Error(`Keyring: entry ${n} is empty`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`Keyring: entry ${n} must look like "<id>:<base64 key>" (missing ":")`);
    const id = entry.slice(0, colon).trim();
    const b64 = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      throw new Error(`Keyring: entry ${n} has an invalid key id (use 1-32 characters from A-Z a-z 0-9 _ -)`);
    }
    if (seen.has(id)) throw new Error(`Keyring: duplicate key id "${id}"`);
    seen.add(id);
    if (b64 === '') throw new Error(`Keyring: key "${id}" is empty`);
    const key = decodeKeyBase64(b64);
    if (!key) throw new Error(`Keyring: key "${id}" is not valid base64`);
    if (key.length !== KEY_BYTES) {
      throw new Error(`Keyring: key "${id}" must decode to ${KEY_BYTES} bytes (got ${key.length})`);
    }
    keys.push({ id, key });
  });
  return { keys, currentKeyId: keys[keys.length - 1].id };
}
