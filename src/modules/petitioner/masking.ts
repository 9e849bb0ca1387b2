/**
 * Default masking of personal fields on read (DESIGN.md §3): `张*`, `110101********123X`, `138****5678`,
 * address up to the county level. All functions are null-safe (null/undefined → null) and never
 * return more of the value than the documented pattern; unrecognised input is masked harder, not less.
 */
import { normaliseIdNumber, normaliseName, normalisePhone } from './identity';

const STARS = '****';

/** `张三` → `张*`, `欧阳娜娜` → `欧***`; a one-character name becomes `*`. */
export function maskName(name: string): string;
export function maskName(name: string | null | undefined): string | null;
export function maskName(name: string | null | undefined): string | null {
  if (name == null) return null;
  const chars = Array.from(normaliseName(name));
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * 18-character number: first 6 + 8 stars + last 4 (`110101********1234`); legacy 15-digit number:
 * first 6 + 6 stars + last 3; anything else is fully starred.
 */
export function maskIdNumber(idNumber: string): string;
export function maskIdNumber(idNumber: string | null | undefined): string | null;
export function maskIdNumber(idNumber: string | null | undefined): string | null {
  if (idNumber == null) return null;
  const chars = Array.from(normaliseIdNumber(idNumber));
  const v = chars.join('');
  if (chars.length === 18) return v.slice(0, 6) + '*'.repeat(8) + v.slice(14);
  if (chars.length === 15) return v.slice(0, 6) + '*'.repeat(6) + v.slice(12);
  return '*'.repeat(chars.length);
}

/**
 * Mobile: `138****5678`. Landline: area code + stars + last 2 (`0571******34`, `010******78`).
 * Other digit strings keep only the last 2 digits (fully starred when 4 digits or fewer).
 */
export function maskPhone(phone: string): string;
export function maskPhone(phone: string | null | undefined): string | null;
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone == null) return null;
  const d = normalisePhone(phone);
  if (d === '') return phone.trim() === '' ? '' : STARS;
  if (/^1\d{10}$/.test(d)) return d.slice(0, 3) + '****' + d.slice(7);
  if (d.startsWith('0')) {
    const area = /^0(?:10|2\d)/.test(d) ? 3 : 4;
    if (d.length >= area + 5) return d.slice(0, area) + '*'.repeat(d.length - area - 2) + d.slice(-2);
  }
  if (d.length <= 4) return '*'.repeat(d.length);
  return '*'.repeat(d.length - 2) + d.slice(-2);
}

// ---------------------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------------------

/** Provincial-level divisions: name stem and the full-name suffixes that may follow it. */
const PROVINCES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['北京', ['市']],
  ['天津', ['市']],
  ['上海', ['市']],
  ['重庆', ['市']],
  ['河北', ['省']],
  ['山西', ['省']],
  ['辽宁', ['省']],
  ['吉林', ['省']],
  ['黑龙江', ['省']],
  ['江苏', ['省']],
  ['浙江', ['省']],
  ['安徽', ['省']],
  ['福建', ['省']],
  ['江西', ['省']],
  ['山东', ['省']],
  ['河南', ['省']],
  ['湖北', ['省']],
  ['湖南', ['省']],
  ['广东', ['省']],
  ['海南', ['省']],
  ['四川', ['省']],
  ['贵州', ['省']],
  ['云南', ['省']],
  ['陕西', ['省']],
  ['甘肃', ['省']],
  ['青海', ['省']],
  ['台湾', ['省']],
  ['内蒙古', ['自治区']],
  ['广西', ['壮族自治区', '自治区']],
  ['西藏', ['自治区']],
  ['宁夏', ['回族自治区', '自治区']],
  ['新疆', ['维吾尔自治区', '自治区']],
  ['香港', ['特别行政区']],
  ['澳门', ['特别行政区']],
];
const MUNICIPALITIES = new Set(['北京', '天津', '上海', '重庆']);

interface Level {
  /** Longest first where one is a suffix of another. */
  suffixes: readonly string[];
  maxLength: (seg: string) => number;
  /** Characters that may not appear in the name part (before the suffix); BELOW_COUNTY applies too. */
  banned: RegExp;
  /** Extends a match by one character, e.g. `温州` + `市`, `沙市` + `区`. */
  extend: (seg: string, next: string | undefined) => boolean;
}

/** Markers of streets, towns, villages, estates and buildings: they are below county level. */
const BELOW_COUNTY = /街道|小区|社区|园区|景区|校区|厂区|单元|大道|大街|新村|[\dA-Za-z幢栋室号弄巷村]/;

const PREFECTURE: Level = {
  suffixes: ['自治州', '地区', '市', '州', '盟'],
  maxLength: (seg) => (seg.endsWith('自治州') ? 12 : 7),
  banned: /[\dA-Za-z区县旗镇乡村路街道号巷弄幢栋楼室]/,
  extend: (seg, next) => seg.endsWith('州') && !seg.endsWith('自治州') && next === '市',
};

const COUNTY: Level = {
  suffixes: ['自治县', '自治旗', '区', '县', '旗', '市'],
  maxLength: (seg) => (/自治[县旗]$/.test(seg) ? 16 : seg.endsWith('旗') ? 10 : 8),
  banned: /[\dA-Za-z]/,
  extend: (seg, next) => seg.endsWith('市') && (next === '区' || next === '市'),
};

/** Length of the administrative unit at the start of `rest`, or 0 if there is none. */
function matchLevel(rest: string, level: Level): number {
  const limit = Math.min(rest.length, 17);
  for (let end = 2; end <= limit; end++) {
    const head = rest.slice(0, end);
    const suffix = level.suffixes.find((s) => head.endsWith(s) && head.length > s.length);
    if (!suffix) continue;
    let seg = head;
    if (level.extend(seg, rest[end])) seg = rest.slice(0, end + 1);
    const namePart = seg.slice(0, seg.length - suffix.length);
    if (seg.length > level.maxLength(seg) || level.banned.test(namePart) || BELOW_COUNTY.test(seg)) return 0;
    if (rest[seg.length] === '场') return 0; // 农贸市场, not a county-level city
    // Town / road / street markers inside the name (镇, 乡, 路, 街) mean we have gone below county level,
    // except as the first character or right before the suffix (镇江市, 路北区, 平乡县).
    if (/[镇乡路街]/.test(namePart.slice(1, -1))) return 0;
    return seg.length;
  }
  return 0;
}

function matchProvince(addr: string): { length: number; municipality: boolean } | null {
  for (const [stem, suffixes] of PROVINCES) {
    if (!addr.startsWith(stem)) continue;
    const suffix = suffixes.find((s) => addr.startsWith(s, stem.length)) ?? '';
    return { length: stem.length + suffix.length, municipality: MUNICIPALITIES.has(stem) };
  }
  return null;
}

/**
 * Keeps the address up to the county-level unit and appends `****`:
 * `浙江省杭州市西湖区三墩镇…` → `浙江省杭州市西湖区****`. Understands provinces / autonomous regions /
 * municipalities, then 市/州/盟/地区, then 区/县/旗/county-level 市, each optional after the first one
 * found. Whitespace is dropped. If nothing can be parsed: at most the first 6 characters (never more
 * than half the address, never from the first digit on) + `****`.
 */
export function maskAddress(address: string): string;
export function maskAddress(address: string | null | undefined): string | null;
export function maskAddress(address: string | null | undefined): string | null {
  if (address == null) return null;
  const { admin, detail } = addressParts(address);
  if (admin.length) return admin.join('') + STARS;
  if (detail === '') return '';

  const chars = Array.from(detail);
  let keep = chars.slice(0, Math.min(6, Math.floor(chars.length / 2)));
  const firstDigit = keep.findIndex((c) => /\d/.test(c));
  if (firstDigit >= 0) keep = keep.slice(0, firstDigit);
  return keep.join('') + STARS;
}

/**
 * An address split where its mask cuts it: the administrative units down to county level that the
 * mask keeps (`['浙江省', '杭州市', '上城区']`, each optional) and the rest it hides
 * (`采荷街道芙蓉新村21幢1单元102室`). Full-width characters are folded and whitespace dropped.
 * Free-text redaction (redaction.ts) uses the same cut to find the hidden part inside text.
 */
export function addressParts(address: string): { admin: string[]; detail: string } {
  const addr = address
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]+/g, '');
  const admin: string[] = [];
  let pos = 0;
  const province = matchProvince(addr);
  if (province) {
    pos = province.length;
    if (province.municipality && addr.startsWith('市辖区', pos)) pos += 3;
    admin.push(addr.slice(0, pos));
  }
  const prefecture = province?.municipality ? 0 : matchLevel(addr.slice(pos), PREFECTURE);
  if (prefecture) admin.push(addr.slice(pos, pos + prefecture));
  pos += prefecture;
  const county = matchLevel(addr.slice(pos), COUNTY);
  if (county) admin.push(addr.slice(pos, pos + county));
  pos += county;
  return { admin, detail: addr.slice(pos) };
}
