/**
 * Key facts of a petition text, compared as values (duplicate check, DESIGN.md §4).
 *
 * A retelling at the petition window keeps the facts of a matter but says them another way:
 * `两万多` for 23 600元, `一平方1850` for 每平方米1850元, `186个平方` for 186平方米, `九几年` for
 * 1996年, `7栋1202` for 7幢1单元1202室, `恒川置业` for 苏州恒川置业有限公司. Each fact is read into
 * a kind and a value range, so that those forms agree and another value (1580元/平方米 for
 * 1850, 2019年 for 2018年, 1203室 for 1202室) conflicts. Pure functions, no I/O.
 */
import { wordTags } from './words';

export type FactKind =
  | 'amount'
  | 'area'
  | 'unitPrice'
  | 'date'
  | 'duration'
  | 'count'
  | 'room'
  | 'code'
  | 'organisation'
  | 'place';

/** A calendar date as written: year (or a span of years, `九几年`), year-month, year-month-day. */
export interface PartialDate {
  y: number;
  /** last year of a span (`九几年` is 1990–1999) */
  y2?: number;
  m?: number;
  d?: number;
}

export interface KeyFact {
  kind: FactKind;
  /** value range: exact figures have lo = hi; `两万多` is [20000, 30000) */
  lo: number;
  hi: number;
  /** the measure: 元, 平方米, 亩, 年, 次 …; for a unit price the area it is per (平方米, 亩) */
  unit: string;
  approx: boolean;
  date?: PartialDate;
  room?: { building?: number; unit?: number; room: number };
  /** organisation or place name without administrative prefix and legal-form suffix */
  name?: string;
}

// ---------------------------------------------------------------------------------------
// Numerals
// ---------------------------------------------------------------------------------------

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 1e4, 亿: 1e8 };

/**
 * Parses a mixed Arabic/Chinese numeral such as "2.37万", "6万7", "七万三", "一百八",
 * "三百八十万", "十五", "四万两千八百". A digit right after a unit is read the colloquial way:
 * "七万三" is 73 000, "一万二" 12 000 and "一百八" 180 (one step below the unit). NaN when
 * nothing parses.
 */
export function parseNumeral(token: string): number {
  let total = 0; // completed 万/亿 sections
  let section = 0; // below 万
  let pending: number | null = null;
  let lastUnit: number | null = null;
  let pendingAfterUnit = false;
  let zero = false;
  const re = /\d+(?:\.\d+)?|[零〇一二两三四五六七八九]|[十百千万亿]/g;
  let m: RegExpExecArray | null;
  let seen = false;
  while ((m = re.exec(token))) {
    const t = m[0];
    seen = true;
    if (t in CN_UNITS) {
      const u = CN_UNITS[t];
      if (u >= 1e4) {
        total += (section + (pending ?? 0)) * u;
        section = 0;
      } else {
        section += (pending ?? 1) * u;
      }
      pending = null;
      lastUnit = u;
      pendingAfterUnit = false;
      zero = false;
    } else {
      const n = t in CN_DIGITS ? CN_DIGITS[t] : Number(t);
      // consecutive Chinese digits ("二〇二二") read positionally
      pending = pending === null ? n : pending * 10 + n;
      // "一千零五" is 1005: after 零 the last digit is literal, not "one step below"
      pendingAfterUnit = lastUnit !== null && !/[零〇]/.test(t) && !zero;
      if (/[零〇]/.test(t)) zero = true;
    }
  }
  if (!seen) return NaN;
  if (pending !== null) {
    section +=
      pendingAfterUnit && lastUnit !== null && pending < 10 && lastUnit >= 10
        ? (pending * lastUnit) / 10
        : pending;
  }
  // 2.37 * 1e4 is not exactly 23700 in floating point
  return Math.round((total + section) * 1000) / 1000;
}

/** What "多" adds to a numeral: "两万多" < 30 000, "三十多" < 40, "5000多" < 6000. */
function stepOf(tok: string): number {
  const m = /[十百千万亿](?=[^十百千万亿]*$)/.exec(tok);
  if (m && /[十百千万亿]$/.test(tok)) return CN_UNITS[m[0]];
  const zeros = /[1-9](0*)$/.exec(tok);
  return zeros ? 10 ** zeros[1].length : 1;
}

// ---------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------

const NUM = String.raw`(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]|[多余来几](?=[十百千万亿]))*`;
const AREA_UNIT = String.raw`(?:平方米|平方|平米|m2|平(?![安时常均方米台房整顶稳]))`;
const MONEY_UNIT = String.raw`(?:万元|元|块钱|块)`;
/** a numeral and the approximation mark after it ("四万多", "七万三左右", "十来") */
const NUMERAL = new RegExp(`(${NUM})(多|余|来|几|左右|上下|出头)?`, 'g');
const APPROX_BEFORE = /(约|近|大约|大概|将近|差不多|接近|估计)$/;
/** words before a bare figure that make it a sum of money ("一共给了233100", "欠我42800") */
const MONEY_CONTEXT =
  /(价|费|款|钱|资|薪|欠|赔|补|退|付|花了|给了|交了|充值|共|计|领到|拿到|垫付|罚|贷)[了我他她的是为约共计]{0,2}$/;

/**
 * Measure words after a number. Synonyms fold together (块 → 元, 平米/平方/㎡ → 平方米,
 * 栋 → 幢), so "3幢" does not match "3节" and "10点" does not match "十几台".
 */
const UNIT2: Record<string, [FactKind, string]> = {
  平方米: ['area', '平方米'],
  公分: ['count', '厘米'],
  厘米: ['count', '厘米'],
  公里: ['count', '公里'],
  千米: ['count', '公里'],
  毫米: ['count', '毫米'],
  平方: ['area', '平方米'],
  平米: ['area', '平方米'],
  个月: ['duration', '月'],
  小时: ['duration', '时'],
  分贝: ['count', '分贝'],
  分钟: ['duration', '分钟'],
  课时: ['count', '节'],
  块钱: ['amount', '元'],
  万元: ['amount', '元'],
  m2: ['area', '平方米'],
};
const UNIT1: Record<string, [FactKind, string]> = {
  元: ['amount', '元'],
  块: ['amount', '元'],
  亩: ['area', '亩'],
  平: ['area', '平方米'],
  米: ['count', '米'],
  吨: ['count', '吨'],
  节: ['count', '节'],
  岁: ['duration', '岁'],
  幢: ['count', '幢'],
  栋: ['count', '幢'],
  楼: ['count', '楼'],
  层: ['count', '层'],
  室: ['count', '室'],
  号: ['count', '号'],
  户: ['count', '户'],
  人: ['count', '人'],
  名: ['count', '人'],
  台: ['count', '台'],
  辆: ['count', '辆'],
  张: ['count', '张'],
  套: ['count', '套'],
  次: ['count', '次'],
  回: ['count', '次'],
  趟: ['count', '次'],
  天: ['duration', '天'],
  点: ['duration', '时'],
  时: ['duration', '时'],
  日: ['duration', '天'],
  周: ['duration', '周'],
  年: ['duration', '年'],
  月: ['duration', '月'],
  倍: ['count', '倍'],
  '%': ['count', '%'],
  棵: ['count', '棵'],
  间: ['count', '间'],
  条: ['count', '条'],
  家: ['count', '家'],
  期: ['count', '期'],
  组: ['count', '组'],
};

function unitAt(s: string, i: number): { kind: FactKind; unit: string } | null {
  // "38个平方", "3个月": the classifier 个 stands before the real measure word
  if (s.charAt(i) === '个') {
    const two = s.slice(i + 1, i + 3);
    if (two in UNIT2) return { kind: UNIT2[two][0], unit: UNIT2[two][1] };
    const one = s.charAt(i + 1);
    if (one in UNIT1) return { kind: UNIT1[one][0], unit: UNIT1[one][1] };
    return { kind: 'count', unit: '' };
  }
  const two = s.slice(i, i + 2);
  if (two in UNIT2) return { kind: UNIT2[two][0], unit: UNIT2[two][1] };
  const one = s.charAt(i);
  if (one in UNIT1) return { kind: UNIT1[one][0], unit: UNIT1[one][1] };
  return null;
}

/**
 * Colloquial date spellings to the Arabic form the date patterns read: "二〇二二年" → 2022年,
 * "十二月" → 12月, "22年6月" → 2022年6月 (a two-digit year only with a month: "21年" alone is
 * as often a duration, "21年工龄").
 */
function spellDatesInArabic(s: string): string {
  return s
    .replace(/[〇零一二三四五六七八九]{4}(?=\s*年)/g, (y) => [...y].map((c) => CN_DIGITS[c]).join(''))
    .replace(/(?<![\d零〇一二两三四五六七八九十百千万])(十[一二]?|[一二三四五六七八九])(?=\s*月)/g, (m) =>
      String(parseNumeral(m)),
    )
    .replace(
      /(?<![\d.])(\d{2})(\s*年\s*\d{1,2}\s*月)/g,
      (_, yy: string, rest: string) => `${Number(yy) >= 50 ? '19' : '20'}${yy}${rest}`,
    );
}

const DATE =
  /((?:19|20)\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})\s*(?:月份?|[-./](?=\s*\d))\s*(?:(\d{1,2})\s*[日号]?)?)?|(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*[日号])?/g;
const YEAR_IN_LIST = /((?:19|20)\d{2})(?=\s*[、,，和与及至到~-]\s*(?:19|20)\d{2}\s*年)/g;
/** "九几年", "八十年代", "零几年": a decade */
const DECADE = /([五六七八九零〇一])(?:几年|十年代)/g;
const CODE = /(?<![a-z\d])(?:[a-z]+\d[a-z\d]*|\d+[a-z][a-z\d]*)(?![a-z\d])/g;
const ROOM =
  /(\d{1,3})\s*(?:幢|栋|号楼|座|#)\s*(?:(\d{1,2})\s*单元\s*)?(?:[一二三四五六七八九十\d]{1,2}[楼层]\s*)?(?:(\d{3,4})\s*(?:室|号(?!楼))?)?|(?<![\d.])(\d{3,4})\s*室/g;
/** per-area prices: 每平方米1850元, 1850元/平方米, 一平方1850, 900块一个平方, 每亩每年800元, 一亩一年800 */
const PRICE_PER = new RegExp(
  [
    String.raw`(?:每|一)(?:个)?(${AREA_UNIT}|亩)(?:每年|一年)?[\p{Script=Han}]{0,4}?(${NUM})\s*${MONEY_UNIT}?`,
    // "1850一平", "1850元/平方米"; not "二百五十一个平方" (251 m²): after a Chinese numeral 一 is a digit
    String.raw`(\d+(?:\.\d+)?)\s*${MONEY_UNIT}?\s*(?:\/|每|一)(?:个)?(${AREA_UNIT}|亩)`,
    String.raw`(${NUM})\s*${MONEY_UNIT}\s*(?:\/|每|一)(?:个)?(${AREA_UNIT}|亩)`,
  ].join('|'),
  'gu',
);
/** legal-form and kind suffixes of an organisation */
const ORG =
  /([\p{Script=Han}a-z\d]{2,16}?)(股份有限公司|有限责任公司|有限公司|集团|公司|工厂|厂|医院|卫生院|学校|小学|中学|幼儿园|合作社|健身|游泳馆|门店|4s店)/gu;
/** estates, villages and the like */
const PLACE =
  /([\p{Script=Han}]{2,10}?)(小区|花园|花苑|家园|雅居|名邸|华府|新村|村|苑|府|湾|园|城|庭)(?![\p{Script=Han}]*?(?:公司|厂))/gu;
/** characters that cannot be inside a name: a name starts after the last of them */
const NAME_BOUNDARY =
  /[在的了给向和与由被买到让叫把跟是从称对将经等为及于住离距找去来办个位家这那该其原我你他她们进成说听写搞只才要求前后]/g;
const ADMIN_PREFIX = /^.*(省|自治区|市|自治州|地区|区|县|镇|乡|街道)/;
/** names that are no names: 该公司, 总包公司, 开发公司 … */
const GENERIC_NAME =
  /^(总包|分包|开发|物业|保险|劳务|施工|建筑|建设|工程|评估|中介|担保|房产|运输|物流|销售|管理|市场|社保|医保|本|原|新|老|小|大)+$/;

// ---------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------

export interface ExtractedFacts {
  facts: KeyFact[];
  /** the text with every fact cut out (for the word comparison) */
  rest: string;
}

const clamp = (d: PartialDate): PartialDate => {
  const out: PartialDate = { y: d.y };
  if (d.y2 !== undefined) out.y2 = d.y2;
  if (d.m !== undefined && d.m >= 1 && d.m <= 12) {
    out.m = d.m;
    if (d.d !== undefined && d.d >= 1 && d.d <= 31) out.d = d.d;
  }
  return out;
};

/** Reads every key fact of a text. */
export function extractKeyFacts(raw: string): ExtractedFacts {
  // NFKC + lower case, punctuation kept: "2.37万", "2022-07", "1850元/平方米" need it; ㎡ → m2
  let s = spellDatesInArabic(
    (raw ?? '')
      .normalize('NFKC')
      .toLowerCase()
      .replace(/(\d)\s*m[2²](?!\d)/g, '$1平方米'),
  );
  const facts: KeyFact[] = [];
  const cut = (re: RegExp, on: (m: string[], at: number, all: string) => boolean | void) => {
    s = s.replace(re, (...args) => {
      const at = args[args.length - 2] as number;
      const all = args[args.length - 1] as string;
      const m = args.slice(0, -2).map((x) => (x === undefined ? '' : String(x)));
      return on(m, at, all) === false ? m[0] : ' ';
    });
  };
  const number = (tok: string, mark: string, before: string) => {
    // "五十多万" is 500 000 to 600 000
    const inner = /[多余来几]/.test(tok);
    const v = parseNumeral(tok.replace(/[多余来几]/g, ''));
    if (!Number.isFinite(v)) return null;
    const approx = !!mark || inner || APPROX_BEFORE.test(before);
    let lo = v;
    let hi = inner ? Math.round(parseNumeral(tok.replace(/[多余来几]/g, '九')) * 1.02) : v;
    if (mark === '多' || mark === '余' || mark === '出头' || mark === '几') hi = v + stepOf(tok);
    else if (approx && !inner) {
      lo = v * 0.85;
      hi = v * 1.3;
    }
    return { v, lo, hi, approx };
  };

  // 1. prices per area, before areas and sums are read apart
  cut(PRICE_PER, (m) => {
    const [, perA, numA, numB, perB, numC, perC] = m;
    const tok = numA || numB || numC;
    const per = /亩/.test(perA || perB || perC) ? '亩' : '平方米';
    const n = number(tok, '', '');
    if (!n) return false;
    facts.push({ kind: 'unitPrice', lo: n.v, hi: n.v, unit: per, approx: false });
  });
  // 2. dates: decades, years in a list, year(-month(-day)); a month alone takes the last year
  cut(DECADE, (m) => {
    const d = { 五: 1950, 六: 1960, 七: 1970, 八: 1980, 九: 1990, 零: 2000, 〇: 2000, 一: 2010 }[m[1]]!;
    facts.push(dateFact({ y: d, y2: d + 9 }));
  });
  cut(YEAR_IN_LIST, (m) => {
    facts.push(dateFact({ y: Number(m[1]) }));
  });
  s = s.replace(/(\d{1,2})\s*(?:月份?)?\s*([到至~、和-])\s*(\d{1,2})\s*月/g, '$1月$2$3月');
  let lastYear: number | null = null;
  cut(DATE, (m) => {
    const [, y, mo, d, mo2, d2] = m;
    if (y) {
      lastYear = Number(y);
      if (mo && (Number(mo) < 1 || Number(mo) > 12)) return;
      facts.push(
        dateFact(clamp({ y: lastYear, m: mo ? Number(mo) : undefined, d: d ? Number(d) : undefined })),
      );
      return;
    }
    const month = Number(mo2);
    if (lastYear === null || month < 1 || month > 12) return false;
    facts.push(dateFact(clamp({ y: lastYear, m: month, d: d2 ? Number(d2) : undefined })));
  });
  // 3. building / unit / room
  cut(ROOM, (m) => {
    const [, b, u, r, onlyRoom] = m;
    if (onlyRoom) {
      facts.push({ kind: 'room', lo: 0, hi: 0, unit: '', approx: false, room: { room: Number(onlyRoom) } });
      return;
    }
    if (!r) return false; // "7幢" alone: a count of buildings or a building, read below
    facts.push({
      kind: 'room',
      lo: 0,
      hi: 0,
      unit: '',
      approx: false,
      room: { building: Number(b), unit: u ? Number(u) : undefined, room: Number(r) },
    });
  });
  // 4. identifiers (plot codes, parking spaces, car models)
  cut(CODE, (m) => {
    if (/^\d+(m2|km|kg|cm|mm|db)$/.test(m[0])) return false;
    facts.push({ kind: 'code', lo: 0, hi: 0, unit: m[0], approx: false });
  });
  // 5. organisations and places, from the text before the numbers are cut out
  for (const m of s.matchAll(ORG)) {
    const name = coreName(m[1]);
    if (name) facts.push({ kind: 'organisation', lo: 0, hi: 0, unit: '', approx: false, name });
  }
  for (const m of s.matchAll(PLACE)) {
    // the suffix is part of a place's name (金枫苑, 芙蓉新村, 石湖村), except 小区
    const core = coreName(m[1]);
    const name = core && (m[2] === '小区' ? core : core + m[2]);
    if (name && name.length >= 3) facts.push({ kind: 'place', lo: 0, hi: 0, unit: '', approx: false, name });
  }
  // 6. figures with their measure words; bare figures are sums when the words before say so
  s = s.replace(NUMERAL, (whole: string, tok: string, mark: string | undefined, at: number, all: string) => {
    // "八百一直不给": the 一 of 一直/一共/一起 … starts the next word
    if (
      !mark &&
      /[十百千万亿]一$/.test(tok) &&
      /^[直起共定样些下点边切旦再同般概律向味]/.test(all.slice(at + tok.length))
    )
      return read(tok.slice(0, -1), '', at, all) + '一';
    // "一万五千八一直": with unit characters, two Chinese digits in a row end the numeral
    const split = /[十百千万亿]/.test(tok) ? /[一二两三四五六七八九]{2}/.exec(tok) : null;
    if (split) {
      const keep = tok.slice(0, split.index + 1);
      return read(keep, '', at, all) + tok.slice(split.index + 1) + (mark ?? '');
    }
    return read(tok, mark ?? '', at, all);
  });
  function read(tok: string, mark: string, at: number, all: string): string {
    const whole = tok + mark;
    const isArabic = /\d/.test(tok);
    const hasUnitChar = /[十百千万亿]/.test(tok);
    // Chinese numerals inside ordinary words ("一直", "统一", "三楼") are not figures: keep
    // those with a unit character (十百千万) or an approximation mark ("十几"), or a measure word
    const after = unitAt(all, at + whole.length);
    if (!isArabic && !hasUnitChar && !mark && !after) return whole;
    if (!isArabic && !hasUnitChar && /^[一]$/.test(tok)) return whole;
    const before = all.slice(Math.max(0, at - 4), at);
    const n = number(tok, mark, before);
    if (!n) return whole;
    let kind: FactKind;
    let unit: string;
    if (after) ({ kind, unit } = after);
    else if (/万|亿/.test(tok) || MONEY_CONTEXT.test(before)) [kind, unit] = ['amount', '元'];
    else [kind, unit] = ['count', ''];
    // a bare "1998年" that no date pattern took is a year, not a duration
    if (kind === 'duration' && unit === '年' && isArabic && n.v >= 1950 && n.v <= 2100 && !mark) {
      facts.push(dateFact({ y: n.v }));
      return ' ';
    }
    // "晚上10点" is 22时: an hour of the evening on the 24-hour clock
    if (unit === '时' && n.hi < 12 && /(晚上|夜里|夜间|下午|半夜)[^，。]{0,2}$/.test(before)) {
      n.lo += 12;
      n.hi += 12;
    }
    facts.push({ kind, lo: n.lo, hi: n.hi, unit, approx: n.approx });
    return ' ';
  }
  return { facts, rest: s };
}

function dateFact(date: PartialDate): KeyFact {
  return { kind: 'date', lo: date.y, hi: date.y2 ?? date.y, unit: '', approx: date.y2 !== undefined, date };
}

/**
 * An organisation's or place's own name: after the last character that cannot be inside a
 * name, without the administrative prefix (浙江省杭州市上城区…) and without place names in
 * front (苏州恒川 → 恒川), keeping the trade (恒川置业) so that 恒川 and 恒川置业 agree.
 */
function coreName(head: string): string | null {
  let h = head;
  const boundary = [...h.matchAll(NAME_BOUNDARY)].pop();
  if (boundary) h = h.slice(boundary.index + 1);
  h = h.replace(ADMIN_PREFIX, '');
  // place names in front (苏州, 南京, 吴中) are prefixes people drop
  const words = wordTags(h);
  let i = 0;
  while (i < words.length - 1 && words[i].tag === 'ns') i++;
  h = words
    .slice(i)
    .map((w) => w.word)
    .join('');
  if (h.length < 2 || GENERIC_NAME.test(h)) return null;
  return h;
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

const VALUED: ReadonlySet<FactKind> = new Set(['amount', 'area', 'count']);
const isBare = (f: KeyFact) => f.kind === 'count' && f.unit === '';

/** One name inside the other (恒川 / 恒川置业), or three characters in a row in common (锦澜府 / 锦澜). */
function namesAgree(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  for (let i = 0; i + 3 <= a.length; i++) if (b.includes(a.slice(i, i + 3))) return true;
  return false;
}

/** Relative tolerance of an exact figure (rounding: 2.37万 vs 23700). */
const EXACT_TOLERANCE = 0.005;

export function datesAgree(a: PartialDate, b: PartialDate): boolean {
  const a2 = a.y2 ?? a.y;
  const b2 = b.y2 ?? b.y;
  if (a.y > b2 || b.y > a2) return false;
  if (a.y2 !== undefined || b.y2 !== undefined) return true;
  if (a.m !== undefined && b.m !== undefined && a.m !== b.m) return false;
  if (a.d !== undefined && b.d !== undefined && a.d !== b.d) return false;
  return true;
}

/** Same kind, same measure, overlapping values (an exact figure within rounding). */
export function factsAgree(a: KeyFact, b: KeyFact): boolean {
  // a bare figure ("剩下15800", "一个月五千左右") may be the sum or area the other text names
  if (a.kind !== b.kind && !(isBare(a) && VALUED.has(b.kind)) && !(isBare(b) && VALUED.has(a.kind)))
    return false;
  switch (a.kind) {
    case 'date':
      return datesAgree(a.date!, b.date!);
    case 'room': {
      const x = a.room!;
      const y = b.room!;
      if (x.room !== y.room) return false;
      if (x.building !== undefined && y.building !== undefined && x.building !== y.building) return false;
      return !(x.unit !== undefined && y.unit !== undefined && x.unit !== y.unit);
    }
    case 'code':
      return a.unit === b.unit;
    case 'organisation':
    case 'place':
      return namesAgree(a.name!, b.name!);
    default: {
      if (a.unit && b.unit && a.unit !== b.unit) return false;
      const tol = (x: KeyFact) => (x.approx ? 0 : EXACT_TOLERANCE * Math.abs(x.hi));
      return a.lo - tol(a) <= b.hi + tol(b) && b.lo - tol(b) <= a.hi + tol(a);
    }
  }
}

/** Kinds whose differing value speaks against "the same matter" (a name may simply be another party). */
export const CONFLICTING_KINDS: ReadonlySet<FactKind> = new Set([
  'amount',
  'area',
  'unitPrice',
  'date',
  'room',
  'code',
]);
/** Kinds a retelling may recompute or round (an age for a birth year, "十来年"): never exact evidence. */
export const SOFT_KINDS: ReadonlySet<FactKind> = new Set(['duration', 'count']);

/** How the facts of a new text relate to an old one's. */
export interface FactComparison {
  /** facts of the new text the old text also states */
  agree: KeyFact[];
  /** facts of the new text with a different value where the old text states that kind (and measure) */
  conflict: KeyFact[];
  /** facts of the new text of a kind the old text does not state at all */
  extra: KeyFact[];
}

/**
 * Each distinct fact of the new text is agreed, conflicting or extra; `known` are values the
 * old case's own procedure gives (its dates, its decision number), which a repeat petition
 * may cite without stating a new fact: those count as none of the three.
 */
export function compareKeyFacts(mine: KeyFact[], theirs: KeyFact[], known: KeyFact[] = []): FactComparison {
  const out: FactComparison = { agree: [], conflict: [], extra: [] };
  for (const f of distinctFacts(mine)) {
    const same = theirs.find((t) => factsAgree(f, t));
    // a bare figure that agrees with a sum or an area is that sum or area
    if (same) out.agree.push(isBare(f) ? { ...f, kind: same.kind, unit: same.unit } : f);
    // a name the other text lacks says little: it may be another party, or read too widely
    else if (f.kind === 'organisation' || f.kind === 'place') continue;
    else if (known.some((k) => factsAgree(f, k))) continue;
    else if (
      CONFLICTING_KINDS.has(f.kind) &&
      theirs.some((t) => t.kind === f.kind && (!t.unit || !f.unit || t.unit === f.unit || f.kind === 'code'))
    )
      out.conflict.push(f);
    else out.extra.push(f);
  }
  return out;
}

/** Each value once (a sum repeated in the request counts once). */
export function distinctFacts(facts: KeyFact[]): KeyFact[] {
  const out: KeyFact[] = [];
  for (const f of facts) {
    const i = out.findIndex((y) => factsAgree(f, y));
    if (i < 0) out.push(f);
    // "约4.6万元" and then "4.6万元": the exact statement is the fact
    else if (out[i].approx && !f.approx) out[i] = f;
  }
  return out;
}

const MEASURED: ReadonlySet<string> = new Set([
  '分贝',
  '米',
  '公里',
  '厘米',
  '毫米',
  '节',
  '吨',
  '户',
  '台',
  '辆',
  '套',
  '间',
  '棵',
]);

/** Facts that identify a matter rather than describe it: values a neighbour or a later matter would not share by chance. */
export function isSpecific(f: KeyFact): boolean {
  if (f.kind === 'organisation' || f.kind === 'place' || f.kind === 'room' || f.kind === 'code') return true;
  if (f.kind === 'date') return f.date!.m !== undefined;
  if (f.kind === 'amount') return !f.approx && f.hi >= 10;
  if (f.kind === 'area' || f.kind === 'unitPrice') return !f.approx;
  // an exact measurement ("64分贝", "50米", "45节课") is as particular as a sum
  if (f.kind === 'count') return !f.approx && f.hi >= 10 && MEASURED.has(f.unit);
  return false;
}
