/**
 * Content comparison and verdict for `checkDuplicate` (DESIGN.md §4).
 *
 * Pure functions, no I/O. The service layer fetches the candidate terminated cases
 * (identity matches by blind index + the top ~20 by shared rare bigrams), computes
 * `compareContent` for each in JS, and hands the features to `judge`.
 *
 * The question is "same person, same facts and reasons, already terminated?". Two kinds of
 * evidence are used, kept apart on purpose:
 *  - identity (ID number, or name + phone) decides *whose* matter it is;
 *  - content decides whether it is the *same* matter.
 * The costly error is DUPLICATE for a new matter of a known petitioner (it denies a lawful
 * petition), so DUPLICATE needs identity AND strong content AND no sign of new facts;
 * everything in between is POSSIBLE_DUPLICATE, i.e. a person looks at it.
 *
 * Signs of new facts: a date later than the old petition's acceptance, a new exact figure
 * (sum, room number, identifier), a low share of known facts, or new wording after "之前反映过".
 * Known limit: a full recap of the old facts followed by a new event told in words only
 * (no date, no figure, no reference to the earlier petition) can still pass; see the tests.
 */

// ---------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------

/**
 * NFKC folds full-width digits/letters/punctuation to half-width (１２３ → 123, ＡＢ → AB);
 * then lower-case and keep only letters and digits (drops punctuation and all whitespace),
 * so that formatting never changes a comparison.
 */
export function normaliseContent(text: string): string {
  return (text ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The text stored as `petition_case.dup_text`, from which the database derives the bigram set
 * that candidate retrieval looks up (content-grams.ts). Same as `normaliseContent`, so clause
 * boundaries and full/half-width variants do not change the bigrams. It is only for candidate
 * retrieval; the verdict uses `compareContent`.
 */
export function contentIndexText(text: string): string {
  return normaliseContent(text);
}

// ---------------------------------------------------------------------------------------
// Specific facts: dates, amounts/quantities, codes
// ---------------------------------------------------------------------------------------

/** A calendar date as written: year, or year-month, or year-month-day. */
export interface PartialDate {
  y: number;
  m?: number;
  d?: number;
}

/** A number as written, with whether the writer marked it approximate (约, 多, 左右 …). */
export interface Quantity {
  value: number;
  approx: boolean;
  /** measure word right after the number ("元", "亩", "幢"), '' when none is recognised */
  unit: string;
}

/** What a text says specifically, used as features beside the character n-grams. */
export interface ContentProfile {
  /** normalised text with dates, numbers and codes cut out (they are compared separately) */
  text: string;
  /** character bigrams of `text` (a set) */
  bigrams: Set<string>;
  dates: PartialDate[];
  quantities: Quantity[];
  /** letter+digit identifiers such as a plot code "bj0704" or a bus line "b118" */
  codes: string[];
  /**
   * When the text refers to an earlier petition ("之前反映过", "已经处理过了"), the part
   * after the last such sentence: that is what is being raised now. Null without a
   * reference or when too little follows it to judge.
   */
  afterReference: ContentProfile | null;
}

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
const APPROX_INSIDE = '多余来几';

/**
 * Parses a mixed Arabic/Chinese numeral such as "2.37万", "6万7", "七万三", "一百八",
 * "三百八十万", "十五". A digit right after a unit is read the colloquial way: "七万三" is
 * 73 000 and "一百八" is 180 (one step below the unit). Returns NaN when nothing parses.
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

const DATE_YMD =
  /((?:19|20)\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})\s*(?:月份?|[-./](?=\s*\d))\s*(?:(\d{1,2})\s*[日号]?)?)?/g;
const YEAR_IN_LIST = /((?:19|20)\d{2})(?=\s*[、,，和与及至到~-]\s*(?:19|20)\d{2}\s*年)/g;
const MONTH_ONLY = /(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*[日号])?/g;
const CODE = /[a-z]+\d[a-z\d]*|\d+[a-z][a-z\d]*/g;
const NUMERAL =
  /(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]|[多余来几](?=[十百千万亿]))*/g;
/**
 * Measure words, so that "3幢" does not match "3节" and "10点" does not match "十几台".
 * Synonyms fold together (块 → 元, 平米/平方 → 平).
 */
const UNIT_OF: Record<string, string> = {
  元: '元',
  块: '元',
  亩: '亩',
  平: '平',
  米: '米',
  公: '公',
  厘: '厘',
  毫: '毫',
  吨: '吨',
  节: '节',
  课: '节',
  岁: '岁',
  幢: '幢',
  栋: '幢',
  楼: '楼',
  层: '层',
  室: '室',
  号: '号',
  户: '户',
  人: '人',
  名: '人',
  个: '', // the general classifier says nothing about what is counted
  台: '台',
  辆: '辆',
  张: '张',
  套: '套',
  股: '股',
  次: '次',
  天: '天',
  周: '周',
  年: '年',
  月: '月',
  小: '小',
  分: '分',
  点: '点',
  时: '时',
  倍: '倍',
  '%': '%',
  棵: '棵',
  间: '间',
  座: '座',
  家: '家',
  期: '期',
};
/** Two-character measure words first: 公分 is 厘米, 公里 is not 公分. */
const UNIT2_OF: Record<string, string> = {
  公分: '厘',
  厘米: '厘',
  公里: '千米',
  千米: '千米',
  毫米: '毫',
  平方: '平',
  平米: '平',
  个月: '月',
  小时: '时',
  分贝: '分贝',
  分钟: '分钟',
  课时: '节',
};

function unitAt(s: string, i: number): string {
  // "38个平方": the classifier 个 stands before the real measure word
  if (s.charAt(i) === '个' && s.slice(i + 1, i + 3) in UNIT2_OF) return UNIT2_OF[s.slice(i + 1, i + 3)];
  if (s.charAt(i) === '个' && s.charAt(i + 1) in UNIT_OF && s.charAt(i + 1) !== '个') i++;
  return UNIT2_OF[s.slice(i, i + 2)] ?? UNIT_OF[s.charAt(i)] ?? '';
}

const APPROX_BEFORE = /(约|近|大约|大概|将近|差不多|接近)$/;
/** a numeral and the approximation mark after it ("四万多", "七万三左右"), cut out together */
const NUMERAL_WITH_MARK = new RegExp(`(${NUMERAL.source})(?:多|余|来|几|左右|上下|出头)?`, 'g');

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
      /(?<!\d)(\d{2})(\s*年\s*\d{1,2}\s*月)/g,
      (_, yy: string, rest: string) => `${Number(yy) >= 50 ? '19' : '20'}${yy}${rest}`,
    );
}

/**
 * An explicit reference to an earlier petition or its handling: "(之前)反映过", "投诉过",
 * "已经处理过了", "已答复". A petitioner who frames a text this way usually goes on to say
 * what is new; a plain repeat rarely needs to.
 */
export const EARLIER_PETITION =
  /(反映|投诉|信访|上访|举报|申诉)过|(已经|已)被?(处理|答复|解决|办结|终结)(过|了)/;
/** Fewer bigrams than this after the reference: too little to judge. */
const MIN_BIGRAMS_AFTER_REFERENCE = 12;

/** Extracts dates, quantities and codes, and returns the text with them cut out. */
export function profileContent(raw: string): ContentProfile {
  const sentences = (raw ?? '').split(/(?<=[。！？；!?;\n])/);
  let last = -1;
  sentences.forEach((sentence, i) => {
    if (EARLIER_PETITION.test(sentence)) last = i;
  });
  const rest = last >= 0 ? profileFacts(sentences.slice(last + 1).join('')) : null;
  return {
    ...profileFacts(raw),
    afterReference:
      rest && rest.bigrams.size >= MIN_BIGRAMS_AFTER_REFERENCE ? { ...rest, afterReference: null } : null,
  };
}

function profileFacts(raw: string): Omit<ContentProfile, 'afterReference'> {
  // work on NFKC + lower case but with punctuation kept: "2.37万", "2022-07" need it
  let s = (raw ?? '').normalize('NFKC').toLowerCase();
  const dates: PartialDate[] = [];
  const quantities: Quantity[] = [];
  const codes: string[] = [];
  const cut = (re: RegExp, on: (m: RegExpExecArray) => void) => {
    s = s.replace(re, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      on(m);
      return ' ';
    });
  };

  let lastYear: number | null = null;
  s = spellDatesInArabic(s);
  // "10到12月" / "7月至9月" / "6、7月": spell out each month so each is read as a date
  s = s.replace(/(\d{1,2})\s*(?:月份?)?\s*([到至~、和-])\s*(\d{1,2})\s*月/g, '$1月$2$3月');
  cut(YEAR_IN_LIST, (m) => dates.push({ y: Number(m[1]) }));
  // a month without a year ("10月至12月", "8月份") belongs to the last year written before it
  s = s.replace(new RegExp(`${DATE_YMD.source}|${MONTH_ONLY.source}`, 'g'), (whole, y, mo, d, mo2, d2) => {
    if (y) {
      lastYear = Number(y);
      const month = mo ? Number(mo) : undefined;
      const day = d ? Number(d) : undefined;
      const ok = month === undefined || (month >= 1 && month <= 12);
      if (ok) dates.push(clean({ y: lastYear, m: month, d: month ? day : undefined }));
      return ' ';
    }
    const month = Number(mo2);
    if (lastYear !== null && month >= 1 && month <= 12) {
      dates.push(clean({ y: lastYear, m: month, d: d2 ? Number(d2) : undefined }));
      return ' ';
    }
    return whole;
  });
  cut(CODE, (m) => codes.push(m[0]));

  s = s.replace(NUMERAL_WITH_MARK, (whole: string, tok: string, offset: number, all: string) => {
    // "一万五千八一直": with unit characters, two Chinese digits in a row end the numeral
    // (the second starts the next word); without units "二〇二二" is read digit by digit
    const rest = /[十百千万亿]/.test(tok) ? /[一二两三四五六七八九]{2}/.exec(tok) : null;
    if (rest) {
      const keep = tok.slice(0, rest.index + 1);
      return replaceNumeral(keep, keep, offset, all) + tok.slice(rest.index + 1) + whole.slice(tok.length);
    }
    return replaceNumeral(whole, tok, offset, all);
  });
  function replaceNumeral(whole: string, tok: string, offset: number, all: string): string {
    const hasDigit = /[\d零〇一二两三四五六七八九]/.test(tok);
    const before = all.slice(Math.max(0, offset - 2), offset);
    const inner = [...APPROX_INSIDE].some((c) => tok.includes(c));
    const approx = inner || whole.length > tok.length || APPROX_BEFORE.test(before);
    const isArabic = /\d/.test(tok);
    // Chinese numerals inside ordinary words ("一直", "统一", "三楼") are not quantities:
    // keep only those with a unit character (十百千万) or an approximation mark ("十几")
    const hasUnit = /[十百千万亿]/.test(tok);
    if (!isArabic && !(hasUnit && (hasDigit || approx))) return whole;
    const value = parseNumeral(tok.replace(/[多余来几]/g, ''));
    if (!Number.isFinite(value)) return whole;
    quantities.push({ value, approx, unit: unitAt(all, offset + whole.length) });
    return ' ';
  }

  // bigrams inside clauses only: a pair across a comma or a cut-out number is noise
  const clauses = s
    .split(/[^\p{L}\p{N}]+/u)
    .map(normaliseContent)
    .filter(Boolean);
  const bigrams = new Set<string>();
  for (const c of clauses) for (const g of ngrams(c, 2)) bigrams.add(g);
  return { text: clauses.join(''), bigrams, dates, quantities, codes };
}

function clean(d: PartialDate): PartialDate {
  const out: PartialDate = { y: d.y };
  if (d.m !== undefined) out.m = d.m;
  if (d.m !== undefined && d.d !== undefined && d.d >= 1 && d.d <= 31) out.d = d.d;
  return out;
}

function ngrams(text: string, n: number): Set<string> {
  const chars = [...text];
  const out = new Set<string>();
  for (let i = 0; i + n <= chars.length; i++) out.add(chars.slice(i, i + n).join(''));
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

export function datesMatch(a: PartialDate, b: PartialDate): boolean {
  if (a.y !== b.y) return false;
  if (a.m !== undefined && b.m !== undefined && a.m !== b.m) return false;
  if (a.d !== undefined && b.d !== undefined && a.d !== b.d) return false;
  return true;
}

export function quantitiesMatch(a: Quantity, b: Quantity): boolean {
  if (a.unit && b.unit && a.unit !== b.unit) return false;
  const hi = Math.max(Math.abs(a.value), Math.abs(b.value));
  if (hi === 0) return true;
  const tol = a.approx || b.approx ? APPROX_TOLERANCE : 0.005;
  return Math.abs(a.value - b.value) <= tol * hi;
}

/** "四万多" is still 4.6万; "五十多万" is still 52万: approximations are within ±20 %. */
export const APPROX_TOLERANCE = 0.2;

/** Greedy one-to-one matching; returns how many items of `a` found a partner in `b`. */
function matchCount<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): number {
  const used = new Array<boolean>(b.length).fill(false);
  let k = 0;
  for (const x of a) {
    const j = b.findIndex((y, i) => !used[i] && eq(x, y));
    if (j >= 0) {
      used[j] = true;
      k++;
    }
  }
  return k;
}

export interface FactOverlap {
  /** facts (dates, quantities, codes) in the new text / in the old text */
  nA: number;
  nB: number;
  /** facts of the new text that the old text also has */
  matched: number;
}

export function factOverlap(a: ContentProfile, b: ContentProfile): FactOverlap {
  const matched =
    matchCount(a.dates, b.dates, datesMatch) +
    matchCount(a.quantities, b.quantities, quantitiesMatch) +
    matchCount(a.codes, b.codes, (x, y) => x === y);
  return {
    nA: a.dates.length + a.quantities.length + a.codes.length,
    nB: b.dates.length + b.quantities.length + b.codes.length,
    matched,
  };
}

export function bigramDice(a: ContentProfile, b: ContentProfile): number {
  if (a.bigrams.size + b.bigrams.size === 0) return 0;
  let k = 0;
  for (const g of a.bigrams) if (b.bigrams.has(g)) k++;
  return (2 * k) / (a.bigrams.size + b.bigrams.size);
}

/** Same as factOverlap but symmetric (greedy matching can differ by direction). */
function sharedFactCount(a: ContentProfile, b: ContentProfile): number {
  return Math.max(factOverlap(a, b).matched, factOverlap(b, a).matched);
}

/**
 * How much the specific facts weigh beside the wording, at most. Retellings change the
 * wording (bigram Dice of a paraphrase is only ~0.35–0.55) but keep the dates, amounts and
 * identifiers, while a related-but-new matter shares the setting and not the facts. So
 * facts carry real weight, but never most of it: a text with few numbers is judged on
 * its words.
 */
export const FACT_WEIGHT_MAX = 0.4;
/**
 * Facts that can be compared (the smaller of the two counts) at which the fact share gets
 * its full weight. With one or two facts a chance match ("6年", "300元") would otherwise
 * make half the facts "agree"; the weight grows with the evidence.
 */
export const FACT_FULL_WEIGHT_AT = 4;

/**
 * Content similarity in [0, 1], symmetric.
 *
 * Why this shape:
 * - Chinese has no spaces, so words are approximated by character bigrams (most Chinese
 *   words are two characters); bigrams are taken inside clauses only. Dice on the bigram
 *   sets rewards shared vocabulary and penalises a large length mismatch. Trigrams were
 *   too brittle for colloquial retellings ("七万三左右" vs "约7.3万元").
 * - Dates, amounts and identifiers are cut out of the text and compared as values
 *   ("2.37万元" = "23700元" = "两万三千七"), with ±20 % for approximations ("五十多万").
 *   They are what distinguishes one matter from a neighbour's or from a later one. Their
 *   share is the overlap coefficient (shared / the smaller count): a retelling may omit
 *   facts, but those it states agree; new facts of a later matter pull it down.
 * - No IDF weighting: it would need corpus statistics at run time, and the generic
 *   petition vocabulary (要求, 部门, 反映) lifts unrelated pairs only to ~0.1, far below
 *   any threshold.
 */
export function contentSimilarity(a: string | ContentProfile, b: string | ContentProfile): number {
  const pa = typeof a === 'string' ? profileContent(a) : a;
  const pb = typeof b === 'string' ? profileContent(b) : b;
  const text = bigramDice(pa, pb);
  const nA = pa.dates.length + pa.quantities.length + pa.codes.length;
  const nB = pb.dates.length + pb.quantities.length + pb.codes.length;
  const n = Math.min(nA, nB);
  if (n === 0) return round(text);
  // overlap coefficient: a retelling may leave facts out, what it states must agree
  const facts = sharedFactCount(pa, pb) / n;
  const w = FACT_WEIGHT_MAX * Math.min(1, n / FACT_FULL_WEIGHT_AT);
  return round((1 - w) * text + w * facts);
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------
// New petition vs one terminated case
// ---------------------------------------------------------------------------------------

type DateLike = string | Date;

/** The terminated case as the comparison needs it. */
export interface TerminatedCaseContent {
  /** facts and reasons plus requests of the terminated case */
  text: string | ContentProfile;
  /** when the original petition was accepted: its facts cannot be later than this */
  acceptedAt?: DateLike | null;
  /** handling, review, re-review, termination approval and notice dates: a new petition may
   * cite them ("2023年复核维持") without stating a new fact */
  processDates?: Array<DateLike | null | undefined>;
  /** termination approval date; the reference when acceptedAt is unknown */
  terminatedAt?: DateLike | null;
  /** termination decision number, e.g. "浙信终字〔2024〕第46号" */
  decisionNumber?: string | null;
}

/** Features of one (new petition, terminated case) pair, the input `judge` needs. */
export interface ContentComparison {
  contentSimilarity: number;
  /** bigram Dice of the wording alone, for display and diagnosis */
  textSimilarity: number;
  /** dates/amounts/identifiers of the new petition: total, found in the case, not found
   * (those that only cite the case's own procedure, its dates or decision number, count
   * as neither) */
  factsInNew: number;
  sharedFacts: number;
  newFacts: number;
  /** new facts that a retelling would not produce by rewording: dates, identifiers, exact
   * figures (amounts, areas, room numbers); not ages, durations or approximations, which a
   * writer often recomputes ("六十多岁" for "1959年出生") */
  newExactFacts: number;
  /** dates in the new petition later than the case's acceptance (or termination) that are
   * neither in the case text nor one of its process dates: events the case cannot cover */
  newerDates: number;
  /** when the new petition refers to an earlier one: share of the bigrams after that
   * reference that the case also has (low = something else is being raised); else null */
  afterReferenceCoverage: number | null;
}

export function compareContent(
  newContent: string | ContentProfile,
  old: TerminatedCaseContent,
): ContentComparison {
  const pn = typeof newContent === 'string' ? profileContent(newContent) : newContent;
  const po = typeof old.text === 'string' ? profileContent(old.text) : old.text;
  // the old case's own procedure: its dates and decision number ("浙信终字〔2024〕第46号")
  // may be cited by a repeat petition without being a new fact
  const processDates = [old.acceptedAt, old.terminatedAt, ...(old.processDates ?? [])]
    .map(toPartialDate)
    .filter((d): d is PartialDate => d !== null);
  const decision = profileContent(old.decisionNumber ?? '');
  const processQuantities = [
    ...decision.quantities,
    ...decision.dates.map((d) => ({ value: d.y, approx: false, unit: '' })),
  ];

  // a fact of the new text is known if the old case (or its procedure) has it; a figure
  // repeated in the new text counts once
  let shared = 0;
  let fresh = 0;
  let freshHard = 0;
  const classify = <T>(
    mine: T[],
    theirs: T[],
    process: T[],
    eq: (x: T, y: T) => boolean,
    hard: (x: T) => boolean,
  ) => {
    mine
      .filter((x, i) => mine.findIndex((y) => eq(x, y)) === i)
      .forEach((x) => {
        if (theirs.some((y) => eq(x, y))) shared++;
        else if (!process.some((y) => eq(x, y))) {
          fresh++;
          if (hard(x)) freshHard++;
        }
      });
  };
  classify(pn.dates, po.dates, processDates, datesMatch, () => true);
  classify(pn.quantities, po.quantities, processQuantities, quantitiesMatch, (q) => !isSoftQuantity(q));
  classify(
    pn.codes,
    po.codes,
    decision.codes,
    (x, y) => x === y,
    () => true,
  );

  const reference = toPartialDate(old.acceptedAt) ?? toPartialDate(old.terminatedAt);
  const known = [...po.dates, ...processDates];
  const newerDates = reference
    ? pn.dates.filter((d) => isAfter(d, reference) && !known.some((k) => datesMatch(d, k))).length
    : 0;
  return {
    contentSimilarity: contentSimilarity(pn, po),
    textSimilarity: round(bigramDice(pn, po)),
    factsInNew: shared + fresh,
    sharedFacts: shared,
    newFacts: fresh,
    newExactFacts: freshHard,
    newerDates,
    afterReferenceCoverage: pn.afterReference ? round(containment(pn.afterReference, po)) : null,
  };
}

/** Share of a's bigrams that b also has. */
function containment(a: ContentProfile, b: ContentProfile): number {
  if (a.bigrams.size === 0) return 0;
  let k = 0;
  for (const g of a.bigrams) if (b.bigrams.has(g)) k++;
  return k / a.bigrams.size;
}

/** Units of durations and ages: a retelling may recompute them ("82年" for 1982). */
const SOFT_UNITS = new Set(['年', '月', '天', '周', '时', '岁', '分钟']);

function isSoftQuantity(q: Quantity): boolean {
  return q.approx || SOFT_UNITS.has(q.unit);
}

function toPartialDate(v: DateLike | null | undefined): PartialDate | null {
  if (v === null || v === undefined) return null;
  // a Date from a `date` column is local midnight: read it in local time, not UTC
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? null : { y: v.getFullYear(), m: v.getMonth() + 1, d: v.getDate() };
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

/** Strictly later at the precision the text gives: "2024年" is not after 2024-02-23. */
export function isAfter(d: PartialDate, ref: PartialDate): boolean {
  if (d.y !== ref.y) return d.y > ref.y;
  if (d.m === undefined || ref.m === undefined) return false;
  if (d.m !== ref.m) return d.m > ref.m;
  if (d.d === undefined || ref.d === undefined) return false;
  return d.d > ref.d;
}

// ---------------------------------------------------------------------------------------
// Verdict
// ---------------------------------------------------------------------------------------

export type IdentityBy = 'ID_NUMBER' | 'NAME_PHONE';
export type DuplicateVerdict = 'DUPLICATE' | 'POSSIBLE_DUPLICATE' | 'NO_MATCH';

export interface DuplicateCandidate extends ContentComparison {
  caseId: string;
  /** the petitioner of the terminated case is the person asking now */
  sameIdentity: boolean;
  identityBy: IdentityBy | null;
  /** an ID number was given and differs from the case's; set by the caller when it knows */
  idNumberConflict?: boolean;
}

export interface DuplicateMatch {
  caseId: string;
  sameIdentity: boolean;
  contentSimilarity: number;
  score: number;
}

export interface DuplicateJudgement {
  verdict: DuplicateVerdict;
  matches: DuplicateMatch[];
}

/**
 * DUPLICATE needs this content similarity. On the dev set retellings of the same matter
 * score 0.57–0.72 (other wording, same dates and amounts) and related-but-new matters of
 * the same person (same project, new events) 0.13–0.40, because their facts are new.
 * 0.48 sits in the middle of that gap, so neither side is fitted tightly.
 */
export const DUPLICATE_MIN_SIMILARITY = 0.48;
/** ...and the wording itself must overlap this much, so that matching figures alone (a
 * short list of amounts) never make a duplicate. Retellings: bigram Dice >= ~0.3. */
export const DUPLICATE_MIN_TEXT_SIMILARITY = 0.25;
/** ...and at least this many specific facts (dates, amounts, identifiers) in common:
 * "same facts" must be shown by facts, not by a general description alone. */
export const DUPLICATE_MIN_SHARED_FACTS = 2;
/** ...and nearly all facts the new petition states must already be in the old case:
 * one stray figure (an age for a birth year, a rounded sum) is tolerated, more is new. */
export const DUPLICATE_MAX_NEW_FACTS = 1;
/** ...and that one may not be an exact fact (a date, an identifier, an exact figure such
 * as a new room number or sum): those are what a new matter brings. */
export const DUPLICATE_MAX_NEW_EXACT_FACTS = 0;
export const DUPLICATE_MIN_FACT_COVERAGE = 0.75;
/**
 * ...and when the petitioner refers to an earlier petition, what follows the reference must
 * itself be the old matter: at least this share of its bigrams found in the case. A whole
 * retelling has 0.36–0.61 of its bigrams in the case (dev set), the new part of a
 * related-but-new matter after "之前反映过" 0.09–0.35.
 */
export const DUPLICATE_MIN_COVERAGE_AFTER_REFERENCE = 0.35;

/** Same person and this similarity: related enough that a person should look (same
 * project or address, new facts). A same person's unrelated matter scores ~0.01–0.1. */
export const POSSIBLE_SAME_PERSON_MIN_SIMILARITY = 0.15;
/** Different person: only near-identical content is worth a look (neighbours in the same
 * project retell the same facts with their own figures: 0.40–0.69 on the dev set), while
 * the best of all cases for unrelated text stays below ~0.17. */
export const POSSIBLE_OTHER_PERSON_MIN_SIMILARITY = 0.3;
/** Matches shown to staff. */
export const MAX_MATCHES = 10;

/**
 * Every reason why a candidate cannot be a DUPLICATE; empty when it qualifies. All gates
 * are independent, so a related-but-new matter is usually stopped by several at once.
 */
export function duplicateBlockers(c: DuplicateCandidate): string[] {
  const why: string[] = [];
  if (!c.sameIdentity || c.identityBy === null) why.push('identity not matched');
  else if (c.idNumberConflict) why.push('ID number differs');
  if (c.newerDates > 0) why.push('dates after the case was filed');
  if (c.contentSimilarity < DUPLICATE_MIN_SIMILARITY) why.push('content similarity');
  if (c.textSimilarity < DUPLICATE_MIN_TEXT_SIMILARITY) why.push('wording');
  if (c.sharedFacts < DUPLICATE_MIN_SHARED_FACTS) why.push('few shared facts');
  if (c.newFacts > DUPLICATE_MAX_NEW_FACTS) why.push('new facts');
  if (c.newExactFacts > DUPLICATE_MAX_NEW_EXACT_FACTS) why.push('new exact facts');
  if (c.factsInNew > 0 && c.sharedFacts / c.factsInNew < DUPLICATE_MIN_FACT_COVERAGE)
    why.push('fact coverage');
  if (c.afterReferenceCoverage !== null && c.afterReferenceCoverage < DUPLICATE_MIN_COVERAGE_AFTER_REFERENCE)
    why.push('new content after a reference to the earlier petition');
  return why;
}

/**
 * Ranking score in [0, 1]: identity is worth 0.3, content 0.7. A candidate that does not
 * qualify as DUPLICATE is capped just below the lowest possible DUPLICATE score, so that
 * "score above the cap" reads as "the method calls this a duplicate"; among those, signs of
 * new facts (later dates, unknown figures) lower it, since they speak against "same matter".
 */
export function matchScore(c: DuplicateCandidate): number {
  const identity = isSamePerson(c) ? IDENTITY_SCORE : 0;
  const raw = identity + (1 - IDENTITY_SCORE) * c.contentSimilarity;
  if (duplicateBlockers(c).length === 0) return round(raw);
  const newFactSigns = c.newerDates > 0 || c.newFacts > DUPLICATE_MAX_NEW_FACTS || c.newExactFacts > 0;
  return round(Math.min(NON_DUPLICATE_SCORE_CAP, raw * (newFactSigns ? 0.8 : 1)));
}

export const IDENTITY_SCORE = 0.3;
/** Lowest possible DUPLICATE score minus a little. */
export const NON_DUPLICATE_SCORE_CAP =
  IDENTITY_SCORE + (1 - IDENTITY_SCORE) * DUPLICATE_MIN_SIMILARITY - 0.01;

/**
 * The verdict over all candidates of one check. A candidate is shown when it reaches the
 * POSSIBLE level for its kind (same person / other person); the verdict is DUPLICATE when a
 * shown candidate passes every DUPLICATE gate, POSSIBLE_DUPLICATE when any is shown, else
 * NO_MATCH. Matches are sorted by score (a qualifying duplicate always first), at most 10.
 */
export function judge(candidates: DuplicateCandidate[]): DuplicateJudgement {
  const shown = candidates
    .map((c) => ({ c, samePerson: isSamePerson(c) }))
    .filter(({ c, samePerson }) =>
      samePerson
        ? c.contentSimilarity >= POSSIBLE_SAME_PERSON_MIN_SIMILARITY
        : c.contentSimilarity >= POSSIBLE_OTHER_PERSON_MIN_SIMILARITY,
    )
    .map((x) => ({ ...x, score: matchScore(x.c), dup: duplicateBlockers(x.c).length === 0 }))
    .sort((x, y) => y.score - x.score || y.c.contentSimilarity - x.c.contentSimilarity)
    .slice(0, MAX_MATCHES);
  const verdict: DuplicateVerdict = shown.some((m) => m.dup)
    ? 'DUPLICATE'
    : shown.length > 0
      ? 'POSSIBLE_DUPLICATE'
      : 'NO_MATCH';
  return {
    verdict,
    matches: shown.map(({ c, samePerson, score }) => ({
      caseId: c.caseId,
      sameIdentity: samePerson,
      contentSimilarity: c.contentSimilarity,
      score,
    })),
  };
}

/** Name + phone that contradicts a given ID number is not the same person for display. */
function isSamePerson(c: DuplicateCandidate): boolean {
  return c.sameIdentity && c.identityBy !== null && !c.idNumberConflict;
}
