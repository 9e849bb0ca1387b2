/**
 * The shape of one line of an import file (DESIGN.md §4) and its checks: JSON, kind, required
 * fields, enums, ID number and phone, dates and their order, stages. A line is checked on its own
 * here; checks across lines and against the database are in cross-checks.ts.
 *
 * Messages never carry personal data: a bad ID number or phone is described, never echoed, and a
 * JSON syntax error is reported without the parser's excerpt of the line.
 */
import { isIsoDate, todayInChina } from '../../shared/dates';
import { UnitKind } from '../org/unit.entity';
import { checkIdNumber, checkPhone, normaliseName } from '../petitioner/identity';
import { Category, TerminationCondition } from '../case/case.enums';

// ---------------------------------------------------------------------------------------------
// The parsed, normalised file
// ---------------------------------------------------------------------------------------------

export interface ImportUnit {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
}

export interface ImportTermination {
  condition: TerminationCondition;
  decisionNumber: string;
  approvedAt: string;
  approvingUnitCode: string;
  notifiedAt: string;
}

export interface ImportCase {
  line: number;
  externalRef: string;
  handlingUnitCode: string;
  /** Normalised: name as normaliseName, ID number upper-case without spaces, phone digits only. */
  petitioner: { name: string; idNumber: string; phone: string | null; address: string | null };
  category: Category;
  title: string;
  factsAndReasons: string;
  requests: string;
  /** Calendar days, YYYY-MM-DD (China time). */
  acceptedAt: string;
  acceptanceOpinion: string | null;
  handledAt: string | null;
  handlingOpinion: string | null;
  reviewedAt: string | null;
  reviewOpinion: string | null;
  reReviewedAt: string | null;
  reReviewOpinion: string | null;
  termination: ImportTermination | null;
}

// ---------------------------------------------------------------------------------------------
// Limits (the same as the interactive services and the columns)
// ---------------------------------------------------------------------------------------------

/** Same rule as UnitService.create. */
const UNIT_CODE_RE = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;
const MAX = {
  unitCode: 64,
  unitName: 200,
  externalRef: 64,
  name: 50,
  address: 300,
  title: 200,
  factsAndReasons: 5000,
  requests: 2000,
  opinion: 5000,
  decisionNumber: 100,
};

const UNIT_KEYS = new Set(['kind', 'code', 'name', 'unitKind', 'parentCode']);
const CASE_KEYS = new Set([
  'kind',
  'externalRef',
  'handlingUnitCode',
  'petitioner',
  'category',
  'title',
  'factsAndReasons',
  'requests',
  'acceptedAt',
  'acceptanceOpinion',
  'handledAt',
  'handlingOpinion',
  'reviewedAt',
  'reviewOpinion',
  'reReviewedAt',
  'reReviewOpinion',
  'termination',
]);
const PETITIONER_KEYS = new Set(['name', 'idNumber', 'phone', 'address']);
const TERMINATION_KEYS = new Set([
  'condition',
  'decisionNumber',
  'approvedAt',
  'approvingUnitCode',
  'notifiedAt',
]);

// ---------------------------------------------------------------------------------------------
// Line checks
// ---------------------------------------------------------------------------------------------

export type Json = Record<string, unknown>;

/** The problems of one line, each "field：message". */
export class Reasons {
  readonly list: string[] = [];
  add(field: string | null, message: string): void {
    this.list.push(field ? `${field}：${message}` : message);
  }
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const given = (v: unknown) =>
  v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

/** A key as it may be quoted in a message: short, printable. */
export function keyLabel(k: string): string {
  const clean = k.replace(/[^\p{L}\p{N}_.-]/gu, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function unknownKeys(r: Reasons, obj: Json, allowed: Set<string>, prefix: string) {
  for (const k of Object.keys(obj)) if (!allowed.has(k)) r.add(null, `未知字段 ${prefix}${keyLabel(k)}`);
}

/** A trimmed string field; null when absent (and a reason when required or not a string / too long). */
function text(
  r: Reasons,
  obj: Json,
  key: string,
  field: string,
  opts: { required: boolean; max: number; label: string },
): string | null {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (opts.required) r.add(field, `缺少必填字段（${opts.label}）`);
    return null;
  }
  if (typeof v !== 'string') {
    r.add(field, `${opts.label}应为字符串`);
    return null;
  }
  const s = v.trim();
  if (s === '') {
    if (opts.required) r.add(field, `${opts.label}不能为空`);
    return null;
  }
  if (Array.from(s).length > opts.max) {
    r.add(field, `${opts.label}不超过${opts.max}字`);
    return null;
  }
  return s;
}

function enumValue<T extends string>(
  r: Reasons,
  obj: Json,
  key: string,
  field: string,
  values: readonly T[],
  label: string,
): T | null {
  const v = obj[key];
  if (!given(v)) {
    r.add(field, `缺少必填字段（${label}）`);
    return null;
  }
  if (typeof v !== 'string' || !values.includes(v as T)) {
    r.add(field, `${label}无效，应为 ${values.join('、')} 之一`);
    return null;
  }
  return v as T;
}

const DATETIME_RE =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date (YYYY-MM-DD), or a date-time, reduced to its calendar day in China time
 * (a date-time without an offset is read as China time). Null when invalid.
 */
export function toChinaDay(value: string): string | null {
  const s: string = value;
  if (isIsoDate(value)) return value;
  const m = DATETIME_RE.exec(s);
  if (!m || !isIsoDate(m[1])) return null;
  const [, day, hh, mm, ss, zone] = m;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return null;
  if (!zone) return day;
  const ms = Date.parse(s.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : todayInChina(new Date(ms));
}

function date(
  r: Reasons,
  obj: Json,
  key: string,
  field: string,
  label: string,
  today: string,
  required: boolean,
): string | null {
  const v = obj[key];
  if (!given(v)) {
    if (required) r.add(field, `缺少必填字段（${label}）`);
    return null;
  }
  if (typeof v !== 'string') {
    r.add(field, `${label}应为 ISO 8601 日期字符串（YYYY-MM-DD）`);
    return null;
  }
  const day = toChinaDay(v.trim());
  if (!day) {
    r.add(field, `${label}不是有效的 ISO 8601 日期（YYYY-MM-DD）`);
    return null;
  }
  if (day > today) {
    r.add(field, `${label}不能晚于今天`);
    return null;
  }
  return day;
}

function parseUnit(obj: Json, r: Reasons): ImportUnit | null {
  unknownKeys(r, obj, UNIT_KEYS, '');
  const code = text(r, obj, 'code', 'code', { required: true, max: MAX.unitCode, label: '单位代码' });
  if (code && !UNIT_CODE_RE.test(code)) r.add('code', '单位代码只能由大写字母、数字和连字符组成，如 ZJ-HZ');
  const name = text(r, obj, 'name', 'name', { required: true, max: MAX.unitName, label: '单位名称' });
  const kind = enumValue(r, obj, 'unitKind', 'unitKind', Object.values(UnitKind), '单位类别');
  const parentCode = text(r, obj, 'parentCode', 'parentCode', {
    required: false,
    max: MAX.unitCode,
    label: '上级单位代码',
  });
  if (r.list.length) return null;
  return { line: 0, code: code!, name: name!, kind: kind!, parentCode };
}

function parseCase(obj: Json, r: Reasons, now: Date, today: string): ImportCase | null {
  unknownKeys(r, obj, CASE_KEYS, '');
  const externalRef = text(r, obj, 'externalRef', 'externalRef', {
    required: true,
    max: MAX.externalRef,
    label: '外部编号',
  });
  const handlingUnitCode = text(r, obj, 'handlingUnitCode', 'handlingUnitCode', {
    required: true,
    max: MAX.unitCode,
    label: '承办单位代码',
  });

  // Petitioner: the same rules as PetitionerService.validate (checkIdNumber, checkPhone, normaliseName).
  let petitioner: ImportCase['petitioner'] | null = null;
  const p = obj.petitioner;
  if (!given(p)) r.add('petitioner', '缺少必填字段（信访人）');
  else if (!isObject(p)) r.add('petitioner', '信访人应为对象 {name, idNumber, phone, address}');
  else {
    const before = r.list.length;
    unknownKeys(r, p, PETITIONER_KEYS, 'petitioner.');
    let name: string | null = null;
    if (!given(p.name)) r.add('petitioner.name', '缺少必填字段（姓名）');
    else if (typeof p.name !== 'string') r.add('petitioner.name', '姓名应为字符串');
    else {
      name = normaliseName(p.name);
      if (name.length < 1 || name.length > MAX.name) {
        r.add('petitioner.name', `姓名不能为空，且不超过${MAX.name}字`);
        name = null;
      }
    }
    let idNumber: string | null = null;
    if (!given(p.idNumber)) r.add('petitioner.idNumber', '缺少必填字段（身份证号码）');
    else if (typeof p.idNumber !== 'string') r.add('petitioner.idNumber', '身份证号码应为字符串');
    else {
      const id = checkIdNumber(p.idNumber, now);
      if (id.ok) idNumber = id.value;
      else r.add('petitioner.idNumber', id.reason);
    }
    let phone: string | null = null;
    if (given(p.phone)) {
      if (typeof p.phone !== 'string') r.add('petitioner.phone', '电话号码应为字符串');
      else {
        const ph = checkPhone(p.phone);
        if (ph.ok) phone = ph.value;
        else r.add('petitioner.phone', ph.reason);
      }
    }
    const address = text(r, p, 'address', 'petitioner.address', {
      required: false,
      max: MAX.address,
      label: '地址',
    });
    if (r.list.length === before) petitioner = { name: name!, idNumber: idNumber!, phone, address };
  }

  const category = enumValue(r, obj, 'category', 'category', Object.values(Category), '类别');
  const title = text(r, obj, 'title', 'title', { required: true, max: MAX.title, label: '标题' });
  const factsAndReasons = text(r, obj, 'factsAndReasons', 'factsAndReasons', {
    required: true,
    max: MAX.factsAndReasons,
    label: '事实和理由',
  });
  const requests = text(r, obj, 'requests', 'requests', { required: true, max: MAX.requests, label: '诉求' });

  // Stages: each a date and an opinion; a stage only after the one before it, dates in order.
  const opinion = (key: string, label: string) =>
    text(r, obj, key, key, { required: false, max: MAX.opinion, label });
  const acceptedAt = date(r, obj, 'acceptedAt', 'acceptedAt', '受理日期', today, true);
  const acceptanceOpinion = opinion('acceptanceOpinion', '受理意见');
  const handledAt = date(r, obj, 'handledAt', 'handledAt', '办理日期', today, false);
  const handlingOpinion = opinion('handlingOpinion', '办理意见');
  const reviewedAt = date(r, obj, 'reviewedAt', 'reviewedAt', '复查日期', today, false);
  const reviewOpinion = opinion('reviewOpinion', '复查意见');
  const reReviewedAt = date(r, obj, 'reReviewedAt', 'reReviewedAt', '复核日期', today, false);
  const reReviewOpinion = opinion('reReviewOpinion', '复核意见');

  const stages = [
    {
      label: '办理',
      at: 'handledAt',
      op: 'handlingOpinion',
      atGiven: given(obj.handledAt),
      opGiven: given(obj.handlingOpinion),
    },
    {
      label: '复查',
      at: 'reviewedAt',
      op: 'reviewOpinion',
      atGiven: given(obj.reviewedAt),
      opGiven: given(obj.reviewOpinion),
    },
    {
      label: '复核',
      at: 'reReviewedAt',
      op: 'reReviewOpinion',
      atGiven: given(obj.reReviewedAt),
      opGiven: given(obj.reReviewOpinion),
    },
  ];
  const previousLabel = ['受理', '办理', '复查'];
  let previousGiven = true; // acceptance is required (reported above when missing)
  stages.forEach((s, i) => {
    if (s.atGiven && !s.opGiven) r.add(s.op, `有${s.label}日期时${s.label}意见不能为空`);
    if (!s.atGiven && s.opGiven) r.add(s.at, `有${s.label}意见时${s.label}日期不能为空`);
    if ((s.atGiven || s.opGiven) && !previousGiven)
      r.add(s.at, `没有${previousLabel[i]}就不能有${s.label}（各环节须依次进行）`);
    previousGiven = s.atGiven;
  });
  // Same-day steps are allowed, as in CaseService.recordStep (a reply may be given the day a matter
  // is accepted); a step before the one it follows is not.
  const order: [string | null, string | null, string, string][] = [
    [acceptedAt, handledAt, 'handledAt', '办理日期不能早于受理日期'],
    [handledAt, reviewedAt, 'reviewedAt', '复查日期不能早于办理日期'],
    [reviewedAt, reReviewedAt, 'reReviewedAt', '复核日期不能早于复查日期'],
  ];
  for (const [a, b, field, message] of order) if (a && b && b < a) r.add(field, message);

  let termination: ImportTermination | null = null;
  const t = obj.termination;
  if (t !== undefined && t !== null) {
    if (!isObject(t))
      r.add(
        'termination',
        '终结信息应为对象 {condition, decisionNumber, approvedAt, approvingUnitCode, notifiedAt}',
      );
    else {
      const before = r.list.length;
      unknownKeys(r, t, TERMINATION_KEYS, 'termination.');
      const condition = enumValue(
        r,
        t,
        'condition',
        'termination.condition',
        Object.values(TerminationCondition),
        '终结条件',
      );
      const decisionNumber = text(r, t, 'decisionNumber', 'termination.decisionNumber', {
        required: true,
        max: MAX.decisionNumber,
        label: '终结决定文号',
      });
      const approvedAt = date(r, t, 'approvedAt', 'termination.approvedAt', '批准日期', today, true);
      const approvingUnitCode = text(r, t, 'approvingUnitCode', 'termination.approvingUnitCode', {
        required: true,
        max: MAX.unitCode,
        label: '批准机构代码',
      });
      const notifiedAt = date(r, t, 'notifiedAt', 'termination.notifiedAt', '告知日期', today, true);

      // Termination follows a completed procedure (seed §2): review at least, re-review for REPEAT_AFTER_RE_REVIEW.
      if (!given(obj.reviewedAt)) r.add('termination', '未经复查的事项不能终结（终结须在复查或复核之后）');
      if (condition === TerminationCondition.REPEAT_AFTER_RE_REVIEW && !given(obj.reReviewedAt))
        r.add('termination.condition', 'REPEAT_AFTER_RE_REVIEW 须有复核（reReviewedAt）');
      const lastReply = reReviewedAt ?? reviewedAt ?? handledAt ?? acceptedAt;
      if (approvedAt && lastReply && approvedAt <= lastReply)
        r.add('termination.approvedAt', '批准日期应晚于最后一次答复（复查或复核）的日期');
      if (approvedAt && notifiedAt && notifiedAt < approvedAt)
        r.add('termination.notifiedAt', '告知日期不能早于批准日期');
      if (r.list.length === before)
        termination = {
          condition: condition!,
          decisionNumber: decisionNumber!,
          approvedAt: approvedAt!,
          approvingUnitCode: approvingUnitCode!,
          notifiedAt: notifiedAt!,
        };
    }
  }

  if (r.list.length) return null;
  return {
    line: 0,
    externalRef: externalRef!,
    handlingUnitCode: handlingUnitCode!,
    petitioner: petitioner!,
    category: category!,
    title: title!,
    factsAndReasons: factsAndReasons!,
    requests: requests!,
    acceptedAt: acceptedAt!,
    acceptanceOpinion,
    handledAt,
    handlingOpinion,
    reviewedAt,
    reviewOpinion,
    reReviewedAt,
    reReviewOpinion,
    termination,
  };
}

/** One non-blank line, parsed: its JSON object and, when the line passed its checks, its record. */
export type ParsedLine =
  | { kind: 'unit'; obj: Json; unit: ImportUnit | null }
  | { kind: 'case'; obj: Json; case: ImportCase | null }
  /** Not JSON, not an object, or no known kind. */
  | { kind: null };

/** Parses and checks one non-blank line; every problem goes to `r`. */
export function parseLine(raw: string, r: Reasons, now: Date, today: string): ParsedLine {
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    // The parser's message quotes the line (personal data): say where, not what.
    r.add(null, '不是有效的 JSON（每行应为一个完整的 JSON 对象）');
    return { kind: null };
  }
  if (!isObject(obj)) {
    r.add(null, '每行应为一个 JSON 对象');
    return { kind: null };
  }
  if (obj.kind === 'unit') return { kind: 'unit', obj, unit: parseUnit(obj, r) };
  if (obj.kind === 'case') return { kind: 'case', obj, case: parseCase(obj, r, now, today) };
  r.add(
    'kind',
    given(obj.kind) ? '未知的记录类型，应为 unit 或 case' : '缺少必填字段（记录类型 kind：unit 或 case）',
  );
  return { kind: null };
}
