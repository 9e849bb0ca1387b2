/**
 * Personal data inside free text (DESIGN.md §3): petitioners write their own address into their
 * facts, supervisors name a petitioner in a finding. For a reader who sees the petitioner masked,
 * the text is redacted here, the one function every read path calls (through reader-text.ts):
 *
 * 1. the values the hub knows about the person the text is about (name, ID number, phone, address),
 *    found in any spelling: with spaces or dashes between the characters, full-width digits,
 *    lower-case `x`, the legacy 15-digit form of the ID number, the given name alone, the address
 *    without its province / city / county or with parts left out (`锦澜府7幢1202室`);
 * 2. then anything shaped like an ID number, a phone number or a detailed address (a road and a
 *    number, a building / unit / room number), whoever it belongs to.
 *
 * Each is replaced by its masked form (`俞**`, `330106********9461`, `138****2593`, the address kept
 * to county level + `****`), so the text still reads. Amounts, dates, company names and case or
 * decision numbers stay. Pure functions: no I/O, no personal data kept after the call.
 */
import { normaliseIdNumber, normaliseName, normalisePhone } from './identity';
import { addressParts, maskIdNumber, maskName, maskPhone } from './masking';

export interface KnownPerson {
  name?: string | null;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
}

export type Redactor = (text: string) => string;

const STARS = '****';

/** Redacts `text` for a masked reader; `known` are the people it is about (may be empty). */
export function redactPersonalText(text: string, known: readonly KnownPerson[] = []): string {
  return personalTextRedactor(known)(text);
}

/**
 * The redactor for these people, prepared once (a page of rows about one case reuses it).
 * `shapes: false` replaces only the known people's values.
 */
export function personalTextRedactor(
  known: readonly KnownPerson[],
  { shapes = true }: { shapes?: boolean } = {},
): Redactor {
  const needles = known.flatMap(knownNeedles);
  const addresses = known.flatMap((p) => (p.address ? [addressMatcher(p.address)] : []));
  return (text) => {
    if (!text || (!needles.length && !addresses.length)) return shapes ? redactShapes(text) : text;
    const view = foldedView(text);
    const spans: Span[] = [];
    for (const n of needles)
      findAll(view.s, n.value, (start, end) => spans.push({ start, end, mask: n.mask }));
    for (const a of addresses) a(view.s, spans);
    const replaced = applySpans(text, view, spans);
    return shapes ? redactShapes(replaced) : replaced;
  };
}

// ---------------------------------------------------------------------------------------------
// Known values, matched on a folded view of the text
// ---------------------------------------------------------------------------------------------

interface Span {
  /** Indexes into the folded view, end exclusive. */
  start: number;
  end: number;
  mask: string;
}

/** Characters that may sit between the characters of a value as typed: spaces, dashes, dots. */
const SEPARATOR = /[\s\u3000\u200B-\u200D\u2060\uFEFF\-－—–·.()（）]/;

/**
 * The text without separators, full-width ASCII folded and letters upper-cased, one character of
 * the view per kept character of the text (`map` points back), so a match in the view covers the
 * spaced or dashed form in the text.
 */
function foldedView(text: string): { s: string; map: number[] } {
  const out: string[] = [];
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    // CJK, ASCII letters and digits (by far the most common) are never separators
    const plain =
      (code >= 0x4e00 && code <= 0x9fff) ||
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a);
    if (!plain && SEPARATOR.test(text[i])) continue;
    if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0; // full-width ASCII
    if (code >= 0x61 && code <= 0x7a) code -= 0x20; // upper case
    out.push(code === text.charCodeAt(i) ? text[i] : String.fromCharCode(code));
    map.push(i);
  }
  return { s: out.join(''), map };
}

function fold(value: string): string {
  return foldedView(value).s;
}

interface Needle {
  value: string;
  mask: string;
}

function knownNeedles(p: KnownPerson): Needle[] {
  const out: Needle[] = [];
  if (p.idNumber) {
    const id = normaliseIdNumber(p.idNumber);
    const mask = maskIdNumber(id);
    out.push({ value: fold(id), mask });
    // the legacy 15-digit form of an 18-digit number: no century, no check character
    if (/^\d{17}[\dX]$/.test(id)) out.push({ value: id.slice(0, 6) + id.slice(8, 17), mask });
  }
  if (p.phone) {
    const digits = normalisePhone(p.phone);
    if (digits.length >= 7) out.push({ value: digits, mask: maskPhone(digits) });
    // a landline typed without its area code
    const local = /^0(?:10|2\d|[3-9]\d{2})(\d{7,8})$/.exec(digits);
    if (local) out.push({ value: local[1], mask: maskPhone(local[1]) });
  }
  if (p.name) {
    const name = normaliseName(p.name);
    const chars = Array.from(fold(name));
    if (chars.length >= 2) out.push({ value: chars.join(''), mask: maskName(name) });
    // the given name alone (`晓梅`), when it is long enough not to be an ordinary word
    if (chars.length >= 3) out.push({ value: chars.slice(1).join(''), mask: '*'.repeat(chars.length - 1) });
  }
  // longest first: the ID number before its 15-digit form, the full name before the given name
  return out.filter((n) => n.value.length >= 2).sort((a, b) => b.value.length - a.value.length);
}

function findAll(s: string, needle: string, found: (start: number, end: number) => void) {
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length))
    found(i, i + needle.length);
}

/** Street- or town-level names: alone they are not an address (`采荷街道办事处` stays). */
const AREA_LEVEL = /(?:街道|镇|乡|苏木)$/;
/** Where a named part of an address ends (longest first). */
const PART_ENDS = [
  '街道',
  '苏木',
  '社区',
  '小区',
  '新村',
  '大道',
  '大街',
  '镇',
  '乡',
  '村',
  '路',
  '街',
  '巷',
  '弄',
];

/**
 * The parts of an address below county level, in order: names split after their marker and
 * numbered parts (`采荷街道`, `芙蓉新村`, `21幢`, `1单元`, `102室`).
 */
function detailParts(detail: string): string[] {
  const parts: string[] = [];
  for (const m of fold(detail).matchAll(/(\d+(?:号楼|幢|栋|单元|室|号|楼|层|弄|组|座)?)|([^\d]+)/g)) {
    if (m[1]) {
      parts.push(m[1]);
      continue;
    }
    let name = m[2];
    while (name) {
      let cut = 0;
      for (let i = 1; i <= name.length && !cut; i++)
        if (PART_ENDS.some((e) => name.slice(0, i).endsWith(e) && i > e.length)) cut = i;
      // `街道` must not be cut at its `街`
      if (cut && name.slice(cut - 1, cut + 1) === '街道') cut += 1;
      const part = cut ? name.slice(0, cut) : name;
      parts.push(part);
      name = name.slice(part.length);
    }
  }
  return parts.filter((p) => p.length >= 2 || /\d/.test(p));
}

/**
 * Finds the known address in the folded text: a run of its detailed parts in order (parts may be
 * left out), optionally after its administrative units (each optional, full or without the
 * suffix). A run counts when it holds two parts, or one named part below street level
 * (`芙蓉新村`); the administrative units are kept, the rest becomes `****`.
 */
function addressMatcher(address: string): (s: string, spans: Span[]) => void {
  const { admin, detail } = addressParts(address);
  const parts = detailParts(detail);
  const adminForms = admin.map((a) => {
    const stem = a.replace(
      /(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|区|县|州|盟|旗|地区)$/,
      '',
    );
    return stem.length >= 2 && stem !== a ? [a, stem] : [a];
  });
  const firsts = new Set([...adminForms.flat(), ...parts].map((p) => p[0]));
  return (s, spans) => {
    for (let p = 0; p < s.length; p++) {
      if (!firsts.has(s[p])) continue;
      let pos = p;
      for (const forms of adminForms) {
        const f = forms.find((x) => s.startsWith(x, pos));
        if (f) pos += f.length;
      }
      const kept = s.slice(p, pos);
      let next = 0;
      let count = 0;
      let fine = false;
      const runStart = pos;
      for (;;) {
        let k = next;
        while (k < parts.length && !s.startsWith(parts[k], pos)) k++;
        if (k === parts.length) break;
        // a number part must not be the tail of a longer number (`121幢` is not `21幢`)
        if (pos === runStart && /^\d/.test(parts[k]) && /\d/.test(s[pos - 1] ?? '')) break;
        pos += parts[k].length;
        count++;
        if (!/^\d/.test(parts[k]) && !AREA_LEVEL.test(parts[k]) && parts[k].length >= 3) fine = true;
        next = k + 1;
      }
      if (count >= 2 || (count === 1 && fine)) {
        spans.push({ start: p, end: pos, mask: kept + STARS });
        p = pos - 1;
      }
    }
  };
}

/** Replaces the spans (earliest first, the longer where two overlap) in the original text. */
function applySpans(text: string, view: { map: number[] }, spans: Span[]): string {
  if (!spans.length) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  let reach = 0;
  for (const sp of spans) {
    if (sp.start < reach) continue;
    const from = view.map[sp.start];
    const to = view.map[sp.end - 1] + 1;
    out += text.slice(at, from) + sp.mask;
    at = to;
    reach = sp.end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Shapes: whoever the value belongs to
// ---------------------------------------------------------------------------------------------

const SEP = '[\\s\\u3000-]?';
const D = (n: number) => Array.from({ length: n }, () => '\\d').join(SEP);
/** 18-character ID numbers (region, a 19xx/20xx birth date, sequence, check) and 15-digit ones. */
const ID_SHAPE = new RegExp(
  `(?<![0-9A-Za-z])(?:[1-9]${SEP}${D(5)}${SEP}(?:1${SEP}9|2${SEP}0)${SEP}${D(2)}${SEP}[01]${SEP}\\d${SEP}[0-3]${SEP}\\d${SEP}${D(3)}${SEP}[\\dXx]` +
    `|[1-9]\\d{5}\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3})(?![0-9A-Za-z])`,
  'g',
);
/** Mobile numbers (with or without +86, grouped 3-4-4 or not) and landlines with an area code. */
const PHONE_SHAPE =
  /(?<![\d.])(?:(?:\+|00)?86[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0(?:10|2\d|[3-9]\d{2})[\s-]?\d{7,8}|[(（]0(?:10|2\d|[3-9]\d{2})[)）]\s?\d{7,8})(?![\d.])/g;
/**
 * House numbers: building / unit / room (`21幢1单元102室`, `7栋1202室`, `3-2-501室`), a numbered
 * building (`5号楼`), a village group (`村3组`), and a road or lane with its number (`文三路478号`,
 * `弄12号`). The name before the number stays. `3室2厅` (a flat's layout) and numbers not after a
 * road (`第12号`, `民初1234号`) are left alone.
 */
const HOUSE_SHAPE = new RegExp(
  [
    '(?<!\\d)\\d+(?:[-－]\\d+)*\\s?(?:幢|栋|号楼|座)(?:\\s?\\d+\\s?单元)?(?:\\s?\\d+(?:[-－]\\d+)*\\s?(?:室|号|户)(?!\\d*厅))?',
    '(?<!\\d)\\d+\\s?单元(?:\\s?\\d+\\s?(?:室|号|户))?',
    '(?<!\\d)\\d+(?:[-－]\\d+)*\\s?室(?!\\d*厅)',
    '(?<=[路街道巷弄里村])\\s?\\d+(?:[-－之]\\d+)?\\s?(?:号|弄|组)',
  ].join('|'),
  'g',
);

/** Cheap tests first: most text has no long digit run and no numbered house part at all. */
const MAYBE_NUMBER = /\d[\d\s\u3000-]{6}/;
const MAYBE_HOUSE = /\d\s?(?:[-－之]\d+\s?)?(?:幢|栋|号|座|单元|室|弄|组|户)/;

function redactShapes(text: string): string {
  let out = text;
  if (MAYBE_NUMBER.test(out))
    out = out
      .replace(ID_SHAPE, (m) => maskIdNumber(m.replace(/[\s\u3000-]/g, '')))
      .replace(PHONE_SHAPE, (m) => maskPhone(m));
  if (MAYBE_HOUSE.test(out)) out = out.replace(HOUSE_SHAPE, STARS);
  return out;
}
