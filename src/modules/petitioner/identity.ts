/**
 * Normalisation and validation of petitioner identity fields (DESIGN.md §3).
 *
 * Pure functions, no dependencies. The normalisers define the canonical form that blind indexes are
 * computed over, so changing them requires re-indexing: keep them stable.
 *
 * Failure reasons are user-facing Chinese messages and never echo the submitted value (or any part of
 * it such as the birth date or the expected check character): the input is personal data and the
 * reason may end up in logs or error responses.
 */

export type CheckResult = { ok: true; value: string } | { ok: false; reason: string };

/** Zero-width characters that sneak in via copy & paste and are not matched by `\s`. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space (U+3000) → space. */
function toHalfWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

// ---------------------------------------------------------------------------------------------------------
// Resident identity card number (GB 11643-1999)
// ---------------------------------------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/**
 * Canonical form of an ID number: all whitespace removed (spaces, tabs, newlines, full-width spaces,
 * zero-width characters), full-width digits/letters converted to ASCII, upper-cased (`x` → `X`).
 * Does not validate.
 */
export function normaliseIdNumber(raw: string): string {
  return toHalfWidth(String(raw ?? ''))
    .replace(INVISIBLE, '')
    .replace(/\s+/g, '')
    .toUpperCase();
}

/** The GB 11643-1999 check character for the first 17 digits. `first17` must be 17 ASCII digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}

/** Today's date as YYYYMMDD in China Standard Time (UTC+8, no DST). */
function chinaDateStamp(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function isValidBirthDate(yyyymmdd: string, now: Date): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return yyyymmdd <= chinaDateStamp(now);
}

/**
 * Validates an 18-character resident ID number: 17 digits + digit/X, a real birth date (year ≥ 1900,
 * not in the future, China time) and the check character. Returns the normalised value on success.
 *
 * @param now only for tests; defaults to the current time.
 */
export function checkIdNumber(raw: string | null | undefined, now: Date = new Date()): CheckResult {
  const value = normaliseIdNumber(raw ?? '');
  if (value === '') return { ok: false, reason: '身份证号码不能为空' };
  const length = Array.from(value).length;
  if (length !== 18) return { ok: false, reason: `身份证号码应为18位（当前${length}位）` };
  if (!/^\d{17}[\dX]$/.test(value)) {
    return { ok: false, reason: '身份证号码格式错误：前17位应为数字，最后一位应为数字或X' };
  }
  if (!isValidBirthDate(value.slice(6, 14), now)) return { ok: false, reason: '身份证号码中的出生日期无效' };
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17])
    return { ok: false, reason: '身份证号码校验位错误' };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------------------

/**
 * Canonical form of a phone number: digits only. A leading country code (`+86`, `0086`, or a bare `86`
 * followed by a national number) is removed; a landline written in international form, which drops the
 * trunk prefix (`+86 571 8800 1234`), gets its leading `0` back (`057188001234`). Does not validate.
 */
export function normalisePhone(raw: string): string {
  let digits = toHalfWidth(String(raw ?? '')).replace(/\D/g, '');
  let international = false;
  if (digits.startsWith('0086') && digits.length - 4 >= 9 && digits.length - 4 <= 12) {
    digits = digits.slice(4);
    international = true;
  } else if (digits.startsWith('86') && digits.length - 2 >= 9 && digits.length - 2 <= 12) {
    // A national number never starts with 8 (mobiles start with 1, landlines with 0), so this is safe.
    digits = digits.slice(2);
    international = true;
  }
  // Mobiles start with 1[3-9]; everything else in international form is a landline without its trunk `0`
  // (including Beijing, area code 10).
  if (international && !/^(?:1[3-9]|0)/.test(digits)) digits = '0' + digits;
  return digits;
}

/** Characters allowed in a phone number as typed (after full-width → ASCII): digits and separators. */
const PHONE_ALLOWED = /^[\d\s+\-()./\u2010-\u2015]*$/;
const MOBILE = /^1[3-9]\d{9}$/;
/** Area code 010 / 02x are followed by 8 digits; 0xxx (x = 3-9) by 7 or 8 digits. */
const LANDLINE = /^(?:0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})$/;

/**
 * Validates a mainland mobile number (`1[3-9]` + 9 digits) or a landline with area code
 * (`0` + 2–3 digit area code + 7–8 digit number). Returns the normalised digits on success.
 */
export function checkPhone(raw: string | null | undefined): CheckResult {
  const typed = toHalfWidth(String(raw ?? ''))
    .replace(INVISIBLE, '')
    .trim();
  if (typed === '') return { ok: false, reason: '电话号码不能为空' };
  if (!PHONE_ALLOWED.test(typed))
    return { ok: false, reason: '电话号码含有无效字符（只能包含数字、空格、+、-和括号）' };
  const value = normalisePhone(typed);
  if (value === '') return { ok: false, reason: '电话号码不能为空' };
  if (value.startsWith('1')) {
    if (value.length !== 11) return { ok: false, reason: `手机号码应为11位（当前${value.length}位）` };
    if (!MOBILE.test(value)) return { ok: false, reason: '手机号码号段无效（第二位应为3至9）' };
    return { ok: true, value };
  }
  if (value.startsWith('0')) {
    if (!LANDLINE.test(value)) return { ok: false, reason: '固定电话号码格式错误：应为区号加7至8位号码' };
    return { ok: true, value };
  }
  return { ok: false, reason: '电话号码格式错误：应为11位手机号码或带区号的固定电话' };
}

// ---------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------

/** Variants of the middle dot used in transliterated / ethnic-minority names (阿沛·阿旺晋美). */
const NAME_DOTS = /\s*[\u00B7\u2022\u2027\u2219\u22C5\u30FB\uFF0E\uFF65]\s*/g;

/**
 * Canonical form of a personal name: zero-width characters removed, full-width ASCII converted,
 * trimmed, inner whitespace runs collapsed to one space, middle-dot variants unified to `·` (U+00B7)
 * without surrounding spaces. Letter case is preserved.
 */
export function normaliseName(raw: string): string {
  return String(raw ?? '')
    .replace(NAME_DOTS, '\u00B7')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}
