/**
 * Historical data import (DESIGN.md §4, `npm run import -- FILE.jsonl`).
 *
 * Two steps, kept apart so that nothing is written unless the whole file is good:
 *
 * 1. `validateImportFile` streams the file line by line and checks every line completely,
 *    collecting every problem of every line (JSON, kind, required fields, enums, ID number and
 *    phone, dates and their order, stages, units and the approving agency, duplicates). With an
 *    EntityManager it also checks the file against the database (units already there, cases
 *    being re-imported, decision numbers already used). It holds only the normalised records.
 * 2. `importData` writes a validated file in ONE transaction (units, then cases in batches of
 *    multi-row `INSERT … SELECT FROM jsonb_to_recordset(…) ON CONFLICT …` statements, the
 *    decision-number counters and one audit entry). It repeats the database checks inside the
 *    transaction and refuses a file with problems, so "nothing is imported" holds however it
 *    is called; a database failure half-way rolls everything back too.
 *
 * Re-importing is an upsert: units by code (kept, name updated), petitioners by ID number
 * (blind index), cases by externalRef (fields, steps and termination replaced by the file's).
 *
 * Messages never carry personal data: a bad ID number or phone is described, never echoed, and a
 * JSON syntax error is reported without the parser's excerpt of the line.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import { isIsoDate, todayInChina } from '../../shared/dates';
import { UnitKind } from '../org/unit.entity';
import { checkIdNumber, checkPhone, normaliseName } from '../petitioner/identity';
import { sealPetitioner } from '../petitioner/sealing';
import { CaseStatus, Category, StepKind, TerminationCondition } from '../case/case.enums';
import { contentIndexText } from '../sharing/duplicate-method';
import { caseSearchText } from '../sharing/search-text';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { ensureArchives } from '../followup/archive.service';

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

export interface LineError {
  /** 1-based line number in the file. */
  line: number;
  reasons: string[];
}

export interface ParsedImport {
  units: ImportUnit[];
  cases: ImportCase[];
  /** Sorted by line; empty when the file may be imported. */
  errors: LineError[];
  /** Lines read, blank ones included. */
  lines: number;
}

export type ImportSource = string | Iterable<string> | AsyncIterable<string>;

export interface ValidateOptions {
  /** The clock: dates after today (China time) and birth dates in the future are refused. */
  now?: () => Date;
  /** When given, the file is also checked against the database (units, re-imported cases, decision numbers). */
  em?: EntityManager;
  /** Called every 1000 lines with the number of lines read so far. */
  onLine?: (linesRead: number) => void;
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface ImportOptions {
  /** Recorded in the audit entry (a file name, not a path with a user's home directory in it). */
  fileName?: string;
  /** Cases per multi-row statement. */
  batchSize?: number;
}

export interface ImportResult {
  units: { created: number; updated: number };
  cases: { created: number; updated: number; terminated: number; open: number };
  petitioners: { created: number; updated: number };
  steps: number;
  terminations: { created: number; updated: number };
  counters: number;
  /** Archives created for terminated cases that had none. */
  archivesCreated: number;
  /** After a large import: statistics refreshed at once (false: that failed, autovacuum will do it). */
  analyzed?: boolean;
}

/** From this many cases an import refreshes the statistics itself (ANALYZE takes seconds at 1M). */
const ANALYZE_AFTER_CASES = 1000;
/** Every table an import writes (the dup_gram_* ones through petition_case's triggers). */
export const IMPORT_TABLES = [
  'unit',
  'petitioner',
  'petition_case',
  'dup_gram_df',
  'dup_gram_posting',
  'case_step',
  'termination_application',
  'decision_number_counter',
  'termination_archive',
  'audit_log',
];

/** A file with problems, refused by importData. */
export class ImportRejectedError extends Error {
  constructor(public readonly errors: LineError[]) {
    super(
      `导入文件有 ${errors.length} 行存在问题，未导入任何数据 (import refused: ${errors.length} bad lines)`,
    );
    this.name = 'ImportRejectedError';
  }
}

/** `第 N 行: reason; reason`, the form the command prints. */
export function formatLineError(e: LineError): string {
  return `第 ${e.line} 行: ${e.reasons.join('; ')}`;
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
const ACCEPTANCE_OPINION_DEFAULT = '受理';
const APPLICATION_STATEMENT = '历史数据导入';
const DECISION_N_RE = /第(\d+)号/;

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

type Json = Record<string, unknown>;

/** The problems of one line, each "field：message". */
class Reasons {
  readonly list: string[] = [];
  add(field: string | null, message: string): void {
    this.list.push(field ? `${field}：${message}` : message);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

/** A key as it may be quoted in a message: short, printable. */
function keyLabel(k: string): string {
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

// ---------------------------------------------------------------------------------------------
// SQL with real bind parameters
// ---------------------------------------------------------------------------------------------

/** Runs one statement, returns its rows. */
type Sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/**
 * Statements on the EntityManager's connection (inside its transaction when it has one), with
 * the parameters sent as bind parameters. em.execute inlines parameters into the SQL text, which
 * for a batch's megabytes of JSON costs more than the statement itself.
 */
function sqlOf(em: EntityManager): Sql {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex();
  return async <R>(text: string, params: unknown[] = []) =>
    ((await knex.raw(text, params as Knex.RawBinding[])) as { rows: R[] }).rows;
}

// ---------------------------------------------------------------------------------------------
// Cross-line and database checks
// ---------------------------------------------------------------------------------------------

interface DbUnit {
  id: number;
  code: string;
  name: string;
  kind: UnitKind;
  path: string;
  parentCode: string | null;
}

/** What the checks need from the database; empty when validating without one. */
interface Snapshot {
  units: Map<string, DbUnit>;
  /** Status of the cases the file re-imports, by externalRef. */
  caseStatus: Map<string, CaseStatus>;
  /** Decision numbers of the file already in the database, with the externalRef of their case (null: a case registered in the hub). */
  decisionOwner: Map<string, string | null>;
}

const emptySnapshot = (): Snapshot => ({ units: new Map(), caseStatus: new Map(), decisionOwner: new Map() });

/** Runs `fn` over `items` in chunks (keeps statements and their parameters small). */
async function inChunks<T>(items: T[], size: number, fn: (chunk: T[]) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

/**
 * What the cross-line checks look at, taken from every unit and case line, good or bad, so that a
 * line with a bad ID number is still told that its unit is unknown. Null: absent or unusable.
 */
interface UnitRef {
  line: number;
  code: string | null;
  kind: UnitKind | null;
  parentCode: string | null;
  /** The line passed its own checks (only such units join the tree). */
  ok: boolean;
}
interface CaseRef {
  line: number;
  externalRef: string | null;
  handlingUnitCode: string | null;
  /** Null when the line has no termination. */
  termination: { approvingUnitCode: string | null; decisionNumber: string | null } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function unitRef(line: number, obj: Json, ok: boolean): UnitRef {
  const kind = str(obj.unitKind);
  return {
    line,
    code: str(obj.code),
    kind: kind && (Object.values(UnitKind) as string[]).includes(kind) ? (kind as UnitKind) : null,
    parentCode: str(obj.parentCode),
    ok,
  };
}

function caseRef(line: number, obj: Json): CaseRef {
  const t = obj.termination;
  return {
    line,
    externalRef: str(obj.externalRef),
    handlingUnitCode: str(obj.handlingUnitCode),
    termination:
      t === undefined || t === null
        ? null
        : isObject(t)
          ? { approvingUnitCode: str(t.approvingUnitCode), decisionNumber: str(t.decisionNumber) }
          : { approvingUnitCode: null, decisionNumber: null },
  };
}

const refsOfUnits = (units: ImportUnit[]): UnitRef[] =>
  units.map((u) => ({ line: u.line, code: u.code, kind: u.kind, parentCode: u.parentCode, ok: true }));
const refsOfCases = (cases: ImportCase[]): CaseRef[] =>
  cases.map((c) => ({
    line: c.line,
    externalRef: c.externalRef,
    handlingUnitCode: c.handlingUnitCode,
    termination: c.termination && {
      approvingUnitCode: c.termination.approvingUnitCode,
      decisionNumber: c.termination.decisionNumber,
    },
  }));

async function loadSnapshot(sql: Sql, cases: CaseRef[]): Promise<Snapshot> {
  const snap = emptySnapshot();
  const units = await sql<DbUnit>(
    `select u.id, u.code, u.name, u.kind, u.path::text as path, p.code as "parentCode"
       from unit u left join unit p on p.id = u.parent_id`,
  );
  for (const u of units) snap.units.set(u.code, u);
  await inChunks(cases, 10_000, async (chunk) => {
    const refs = chunk.map((c) => c.externalRef).filter((r) => r !== null);
    const rows = await sql<{ external_ref: string; status: CaseStatus }>(
      `select external_ref, status from petition_case
        where external_ref in (select jsonb_array_elements_text(?::jsonb))`,
      [JSON.stringify(refs)],
    );
    for (const row of rows) snap.caseStatus.set(row.external_ref, row.status);
    const numbers = chunk.map((c) => c.termination?.decisionNumber).filter((n) => n != null);
    if (!numbers.length) return;
    const held = await sql<{ decision_number: string; external_ref: string | null }>(
      `select t.decision_number, c.external_ref
         from termination_application t join petition_case c on c.id = t.case_id
        where t.decision_number in (select jsonb_array_elements_text(?::jsonb))`,
      [JSON.stringify(numbers)],
    );
    for (const row of held) snap.decisionOwner.set(row.decision_number, row.external_ref);
  });
  return snap;
}

interface TreeNode {
  kind: UnitKind;
  parentCode: string | null;
}

/**
 * The checks that need every line (or the database): the unit tree, the units cases refer to,
 * the approving agency, and re-imports that would clash with what the hub holds.
 */
function crossCheck(
  units: UnitRef[],
  cases: CaseRef[],
  snap: Snapshot,
  add: (line: number, reason: string) => void,
): void {
  const tree = new Map<string, TreeNode>();
  for (const [code, u] of snap.units) tree.set(code, { kind: u.kind, parentCode: u.parentCode });
  /** First line defining each code, and whether that line is good. */
  const firstLine = new Map<string, UnitRef>();
  for (const u of units) if (u.code && !firstLine.has(u.code)) firstLine.set(u.code, u);
  const where = (code: string, line: number): string | null => {
    // Why `code` cannot be used at `line`, or null when it can.
    if (tree.has(code)) return null;
    const def = firstLine.get(code);
    if (!def) return '不存在（文件和系统中都没有）';
    if (!def.ok) return `的定义（第 ${def.line} 行）有错误`;
    if (def.line > line) return `在第 ${def.line} 行才定义，应先定义上级单位`;
    return '的定义有错误';
  };
  for (const u of units) {
    if (!u.code) continue;
    const first = firstLine.get(u.code)!;
    if (first !== u) {
      add(u.line, `code：单位代码 ${u.code} 与第 ${first.line} 行重复`);
      continue;
    }
    const existing = snap.units.get(u.code);
    if (existing) {
      // An existing unit is kept where it is (only its name is updated): the file must agree.
      if (u.kind && existing.kind !== u.kind)
        add(u.line, `unitKind：单位 ${u.code} 已在系统中，类别为 ${existing.kind}，导入不会更改单位类别`);
      if ((existing.parentCode ?? null) !== u.parentCode)
        add(
          u.line,
          `parentCode：单位 ${u.code} 已在系统中，上级单位为 ${existing.parentCode ?? '（无）'}，导入不会移动单位`,
        );
      continue;
    }
    if (u.parentCode) {
      const problem = where(u.parentCode, u.line);
      if (problem) add(u.line, `parentCode：上级单位 ${u.parentCode} ${problem}`);
    }
    if (u.ok) tree.set(u.code, { kind: u.kind!, parentCode: u.parentCode });
  }

  const nearestAgencyAbove = (code: string): string | null => {
    const seen = new Set<string>([code]);
    let parent = tree.get(code)?.parentCode ?? null;
    while (parent && !seen.has(parent)) {
      const node = tree.get(parent);
      if (!node) return null;
      if (node.kind === UnitKind.PETITION_AGENCY) return parent;
      seen.add(parent);
      parent = node.parentCode;
    }
    return null;
  };

  for (const c of cases) {
    const unit = c.handlingUnitCode;
    if (unit && !tree.has(unit)) {
      const def = firstLine.get(unit);
      add(
        c.line,
        def && !def.ok
          ? `handlingUnitCode：承办单位 ${unit} 的定义（第 ${def.line} 行）有错误`
          : `handlingUnitCode：承办单位 ${unit} 不存在（文件和系统中都没有）`,
      );
    } else if (unit && c.termination?.approvingUnitCode) {
      const agency = nearestAgencyAbove(unit);
      if (!agency)
        add(c.line, `termination.approvingUnitCode：承办单位 ${unit} 之上没有信访工作机构，无法批准终结`);
      else if (agency !== c.termination.approvingUnitCode)
        add(
          c.line,
          `termination.approvingUnitCode：批准机构应为承办单位之上最近的信访工作机构 ${agency}（文件中为 ${c.termination.approvingUnitCode}）`,
        );
    }
    const status = c.externalRef ? snap.caseStatus.get(c.externalRef) : undefined;
    if (status === CaseStatus.TERMINATION_APPLIED || status === CaseStatus.TERMINATION_APPROVED)
      add(c.line, `externalRef：事项 ${c.externalRef} 在系统中正处于终结审核或告知环节，导入不能覆盖`);
    else if (status === CaseStatus.TERMINATED && !c.termination)
      add(
        c.line,
        `termination：事项 ${c.externalRef} 在系统中已终结，导入不会撤销终结（文件中缺少终结信息）`,
      );
    const dn = c.termination?.decisionNumber;
    if (dn && snap.decisionOwner.has(dn) && snap.decisionOwner.get(dn) !== c.externalRef)
      add(c.line, 'termination.decisionNumber：终结决定文号已被系统中的另一事项使用');
  }
}

// ---------------------------------------------------------------------------------------------
// validateImportFile
// ---------------------------------------------------------------------------------------------

async function* linesOf(source: ImportSource): AsyncIterable<string> {
  if (typeof source === 'string') {
    const rl = readline.createInterface({
      input: fs.createReadStream(source, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    yield* rl;
  } else {
    yield* source as AsyncIterable<string>;
  }
}

/**
 * Reads and checks a whole import file (a path, or its lines) and returns the normalised records
 * with every problem of every line. Blank lines are skipped. Nothing is written.
 */
export async function validateImportFile(
  source: ImportSource,
  opts: ValidateOptions = {},
): Promise<ParsedImport> {
  const now = (opts.now ?? (() => new Date()))();
  const today = todayInChina(now);
  const units: ImportUnit[] = [];
  const cases: ImportCase[] = [];
  const reasonsByLine = new Map<number, string[]>();
  const add = (line: number, reason: string) => {
    const list = reasonsByLine.get(line);
    if (list) list.push(reason);
    else reasonsByLine.set(line, [reason]);
  };
  const unitRefs: UnitRef[] = [];
  const caseRefs: CaseRef[] = [];
  const refLine = new Map<string, number>();
  const decisionLine = new Map<string, number>();

  let lineNo = 0;
  for await (let raw of linesOf(source)) {
    lineNo++;
    if (lineNo % 1000 === 0) opts.onLine?.(lineNo);
    if (lineNo === 1) raw = raw.replace(/^\uFEFF/, '');
    if (raw.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      // The parser's message quotes the line (personal data): say where, not what.
      add(lineNo, '不是有效的 JSON（每行应为一个完整的 JSON 对象）');
      continue;
    }
    if (!isObject(obj)) {
      add(lineNo, '每行应为一个 JSON 对象');
      continue;
    }
    const r = new Reasons();
    if (obj.kind === 'unit') {
      const u = parseUnit(obj, r);
      if (u) units.push({ ...u, line: lineNo });
      unitRefs.push(unitRef(lineNo, obj, !!u));
    } else if (obj.kind === 'case') {
      const c = parseCase(obj, r, now, today);
      // Duplicates are looked for even on otherwise bad lines, so that one run reports them all.
      const ref = typeof obj.externalRef === 'string' ? obj.externalRef.trim() : '';
      if (ref) {
        const first = refLine.get(ref);
        if (first !== undefined) r.add('externalRef', `外部编号 ${keyLabel(ref)} 与第 ${first} 行重复`);
        else refLine.set(ref, lineNo);
      }
      const dn =
        isObject(obj.termination) && typeof obj.termination.decisionNumber === 'string'
          ? obj.termination.decisionNumber.trim()
          : '';
      if (dn) {
        const first = decisionLine.get(dn);
        if (first !== undefined) r.add('termination.decisionNumber', `终结决定文号与第 ${first} 行重复`);
        else decisionLine.set(dn, lineNo);
      }
      if (c && !r.list.length) cases.push({ ...c, line: lineNo });
      caseRefs.push(caseRef(lineNo, obj));
    } else {
      r.add(
        'kind',
        given(obj.kind) ? '未知的记录类型，应为 unit 或 case' : '缺少必填字段（记录类型 kind：unit 或 case）',
      );
    }
    for (const reason of r.list) add(lineNo, reason);
  }
  opts.onLine?.(lineNo);

  const snap = opts.em ? await loadSnapshot(sqlOf(opts.em), caseRefs) : emptySnapshot();
  crossCheck(unitRefs, caseRefs, snap, add);

  const errors = [...reasonsByLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([line, reasons]) => ({ line, reasons }));
  const badLines = new Set(errors.map((e) => e.line));
  return {
    units: units.filter((u) => !badLines.has(u.line)),
    cases: cases.filter((c) => !badLines.has(c.line)),
    errors,
    lines: lineNo,
  };
}

// ---------------------------------------------------------------------------------------------
// importData
// ---------------------------------------------------------------------------------------------

/** Midnight China time of a calendar day, for the timestamp columns of an imported decision. */
const chinaMidnight = (day: string) => `${day}T00:00:00+08:00`;

/**
 * Writes a validated file in one transaction and records one `import.run` audit entry.
 * Refuses (ImportRejectedError, nothing written) when the file has problems, including
 * problems against the database as it is inside the transaction.
 */
export async function importData(
  em: EntityManager,
  deps: Deps,
  actor: AuditActor,
  parsed: ParsedImport,
  onProgress?: (p: ImportProgress) => void,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  if (parsed.errors.length) throw new ImportRejectedError(parsed.errors);
  const batchSize = opts.batchSize ?? 1000;
  const result = await em.transactional(async (tem) => {
    const sql = sqlOf(tem);
    // One import at a time: a second one waits here, then sees what the first committed.
    await sql(`select pg_advisory_xact_lock(hashtext('petition-hub:import'))`);
    // The database may have changed since validation: check again, under this transaction.
    const caseRefs = refsOfCases(parsed.cases);
    const snap = await loadSnapshot(sql, caseRefs);
    const problems: LineError[] = [];
    crossCheck(refsOfUnits(parsed.units), caseRefs, snap, (line, reason) => {
      const last = problems[problems.length - 1];
      if (last?.line === line) last.reasons.push(reason);
      else problems.push({ line, reasons: [reason] });
    });
    if (problems.length) throw new ImportRejectedError(problems.sort((a, b) => a.line - b.line));

    const result: ImportResult = {
      units: { created: 0, updated: 0 },
      cases: { created: 0, updated: 0, terminated: 0, open: 0 },
      petitioners: { created: 0, updated: 0 },
      steps: 0,
      terminations: { created: 0, updated: 0 },
      counters: 0,
      archivesCreated: 0,
    };

    await writeUnits(sql, parsed.units, snap, result);
    const unitIds = new Map<string, number>();
    for (const u of await sql<{ id: number; code: string }>('select id, code from unit'))
      unitIds.set(u.code, u.id);

    const createdPetitioners = new Set<string>();
    const updatedPetitioners = new Set<string>();
    /** Highest imported decision number per (agency, year). */
    const counters = new Map<string, { agency: number; year: number; n: number }>();
    const total = parsed.cases.length;
    onProgress?.({ done: 0, total });
    for (let i = 0; i < total; i += batchSize) {
      const batch = parsed.cases.slice(i, i + batchSize);
      const petitionerIds = await writePetitioners(sql, deps, batch, createdPetitioners, updatedPetitioners);
      const terminated = await writeCases(sql, deps, actor, batch, unitIds, petitionerIds, counters, result);
      // Every terminated case has its archive (DESIGN.md §2.3), imported ones included.
      result.archivesCreated += await ensureArchives(tem, terminated);
      onProgress?.({ done: Math.min(i + batchSize, total), total });
    }
    result.petitioners.created = createdPetitioners.size;
    result.petitioners.updated = updatedPetitioners.size;

    // Later approvals continue after the imported numbers: the counter never goes back.
    if (counters.size) {
      await sql(
        `insert into decision_number_counter (agency_unit_id, year, last_n)
         select x.agency, x.year, x.n from jsonb_to_recordset(?::jsonb) as x(agency int, year int, n int)
         on conflict (agency_unit_id, year)
           do update set last_n = greatest(decision_number_counter.last_n, excluded.last_n)`,
        [JSON.stringify([...counters.values()])],
      );
      result.counters = counters.size;
    }

    await new AuditService(tem, deps.now).record({
      actor,
      operation: 'import.run',
      details: { file: opts.fileName ?? null, lines: parsed.lines, ...result },
    });
    return result;
  });
  // After a large import, what autovacuum would do later, at once: fresh statistics for every
  // table the import wrote, so the planner does not judge them by their size before the import
  // (a hash join over every application instead of an index look-up per case, for instance),
  // and the duplicate check's postings vacuumed so that their look-up reads the index alone.
  // The import is committed already: a failure here only leaves the work to autovacuum, so it does
  // not fail the import.
  if (result.cases.created + result.cases.updated >= ANALYZE_AFTER_CASES) {
    try {
      const conn = em.getConnection();
      await conn.execute('vacuum (analyze) dup_gram_posting');
      await conn.execute(`analyze ${IMPORT_TABLES.filter((x) => x !== 'dup_gram_posting').join(', ')}`);
      result.analyzed = true;
    } catch {
      result.analyzed = false;
    }
  }
  return result;
}

async function writeUnits(sql: Sql, units: ImportUnit[], snap: Snapshot, result: ImportResult) {
  const existing = units.filter((u) => snap.units.has(u.code));
  const fresh = units.filter((u) => !snap.units.has(u.code));
  if (existing.length) {
    await sql(
      `update unit u set name = x.name from jsonb_to_recordset(?::jsonb) as x(code text, name text)
        where u.code = x.code and u.name is distinct from x.name`,
      [JSON.stringify(existing.map((u) => ({ code: u.code, name: u.name })))],
    );
    result.units.updated = existing.length;
  }
  if (!fresh.length) return;
  // As in UnitService.create: the id is the last label of the path, so take ids from the sequence first.
  const ids = await sql<{ id: number }>(
    `select nextval('unit_id_seq')::int as id from generate_series(1, ?::int)`,
    [fresh.length],
  );
  const placed = new Map<string, { id: number; path: string }>();
  for (const [code, u] of snap.units) placed.set(code, { id: u.id, path: u.path });
  const rows = fresh.map((u, i) => {
    const id = ids[i].id;
    const parent = u.parentCode ? placed.get(u.parentCode)! : null;
    const path = parent ? `${parent.path}.${id}` : `${id}`;
    placed.set(u.code, { id, path });
    return { id, code: u.code, name: u.name, kind: u.kind, parent_id: parent?.id ?? null, path };
  });
  await sql(
    `insert into unit (id, code, name, kind, parent_id, path)
     select x.id, x.code, x.name, x.kind::unit_kind, x.parent_id, x.path::ltree
       from jsonb_to_recordset(?::jsonb) as x(id int, code text, name text, kind text, parent_id int, path text)`,
    [JSON.stringify(rows)],
  );
  result.units.created = fresh.length;
}

/**
 * One petitioner row per person (ID number's blind index); their data goes on each case. Returns
 * petitioner ids by ID-number blind index.
 */
async function writePetitioners(
  sql: Sql,
  deps: Deps,
  batch: ImportCase[],
  created: Set<string>,
  updated: Set<string>,
): Promise<Map<string, number>> {
  const bidxs = [...new Set(batch.map((c) => deps.blindIndex.idNumber(c.petitioner.idNumber)!))];
  const inserted = await sql<{ bidx: string }>(
    `insert into petitioner (id_number_bidx) select x from jsonb_array_elements_text(?::jsonb) as x
     on conflict (id_number_bidx) do nothing returning id_number_bidx as bidx`,
    [JSON.stringify(bidxs)],
  );
  for (const r of inserted) created.add(r.bidx);
  const rows = await sql<{ id: number; bidx: string }>(
    `select id, id_number_bidx as bidx from petitioner where id_number_bidx in (select jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(bidxs)],
  );
  const ids = new Map<string, number>();
  for (const r of rows) {
    ids.set(r.bidx, r.id);
    if (!created.has(r.bidx)) updated.add(r.bidx);
  }
  return ids;
}

async function writeCases(
  sql: Sql,
  deps: Deps,
  actor: AuditActor,
  batch: ImportCase[],
  unitIds: Map<string, number>,
  petitionerIds: Map<string, number>,
  counters: Map<string, { agency: number; year: number; n: number }>,
  result: ImportResult,
): Promise<number[]> {
  const caseRows = batch.map((c) => {
    // The petitioner as this line records them, sealed onto the case (sealing.ts, as registration does).
    const sealed = sealPetitioner(deps, c.petitioner);
    return {
      external_ref: c.externalRef,
      petitioner_id: petitionerIds.get(sealed.idNumberBidx)!,
      petitioner_name_enc: sealed.nameEnc,
      petitioner_id_number_enc: sealed.idNumberEnc,
      petitioner_phone_enc: sealed.phoneEnc,
      petitioner_address_enc: sealed.addressEnc,
      petitioner_phone_bidx: sealed.phoneBidx,
      petitioner_name_phone_bidx: sealed.namePhoneBidx,
      petitioner_key_id: sealed.keyId,
      petitioner_masked_enc: sealed.maskedEnc,
      handling_unit_id: unitIds.get(c.handlingUnitCode)!,
      category: c.category,
      title: c.title,
      facts_and_reasons: c.factsAndReasons,
      requests: c.requests,
      status: c.termination ? CaseStatus.TERMINATED : CaseStatus.IN_PROGRESS,
      // The file has no request dates. Review and re-review happen only at the petitioner's request
      // (CaseService.recordStep refuses them otherwise), made after the previous reply reached them:
      // the previous reply's date is the earliest the request can have been, and it keeps every
      // invariant the hub checks (reply delivered ≤ request ≤ next opinion). No review, no request.
      review_requested_at: c.reviewedAt ? c.handledAt : null,
      re_review_requested_at: c.reReviewedAt ? c.reviewedAt : null,
      terminated_at: c.termination?.notifiedAt ?? null,
      dup_text: contentIndexText(`${c.factsAndReasons}\n${c.requests}`),
      search_text: caseSearchText(c.title, c.factsAndReasons, c.petitioner),
    };
  });
  const saved = await sql<{ id: number; external_ref: string; inserted: boolean }>(
    `insert into petition_case (external_ref, petitioner_id, petitioner_name_enc, petitioner_id_number_enc,
                                petitioner_phone_enc, petitioner_address_enc, petitioner_phone_bidx,
                                petitioner_name_phone_bidx, petitioner_key_id, petitioner_masked_enc,
                                handling_unit_id, category, title,
                                facts_and_reasons, requests, status, review_requested_at, re_review_requested_at,
                                terminated_at, dup_text, search_text)
     select x.external_ref, x.petitioner_id, x.petitioner_name_enc, x.petitioner_id_number_enc,
            x.petitioner_phone_enc, x.petitioner_address_enc, x.petitioner_phone_bidx,
            x.petitioner_name_phone_bidx, x.petitioner_key_id, x.petitioner_masked_enc,
            x.handling_unit_id, x.category, x.title,
            x.facts_and_reasons, x.requests, x.status::case_status, x.review_requested_at, x.re_review_requested_at,
            x.terminated_at, x.dup_text, x.search_text
       from jsonb_to_recordset(?::jsonb) as x(external_ref text, petitioner_id int, petitioner_name_enc text,
            petitioner_id_number_enc text, petitioner_phone_enc text, petitioner_address_enc text,
            petitioner_phone_bidx text, petitioner_name_phone_bidx text, petitioner_key_id text,
            petitioner_masked_enc text, handling_unit_id int, category text, title text, facts_and_reasons text, requests text, status text,
            review_requested_at date, re_review_requested_at date, terminated_at date, dup_text text,
            search_text text)
     on conflict (external_ref) do update set
       petitioner_id = excluded.petitioner_id,
       petitioner_name_enc = excluded.petitioner_name_enc,
       petitioner_id_number_enc = excluded.petitioner_id_number_enc,
       petitioner_phone_enc = excluded.petitioner_phone_enc,
       petitioner_address_enc = excluded.petitioner_address_enc,
       petitioner_phone_bidx = excluded.petitioner_phone_bidx,
       petitioner_name_phone_bidx = excluded.petitioner_name_phone_bidx,
       petitioner_key_id = excluded.petitioner_key_id,
       petitioner_masked_enc = excluded.petitioner_masked_enc,
       handling_unit_id = excluded.handling_unit_id,
       category = excluded.category,
       title = excluded.title,
       facts_and_reasons = excluded.facts_and_reasons,
       requests = excluded.requests,
       status = excluded.status,
       review_requested_at = excluded.review_requested_at,
       re_review_requested_at = excluded.re_review_requested_at,
       terminated_at = excluded.terminated_at,
       dup_text = excluded.dup_text,
       search_text = excluded.search_text,
       version = petition_case.version + 1,
       updated_at = now()
     returning id, external_ref, (xmax = 0) as inserted`,
    [JSON.stringify(caseRows)],
  );
  const caseId = new Map<string, number>();
  const preexisting = new Set<string>();
  for (const s of saved) {
    caseId.set(s.external_ref, s.id);
    if (s.inserted) result.cases.created++;
    else {
      result.cases.updated++;
      preexisting.add(s.external_ref);
    }
  }

  // Steps. The file has no delivery dates: a reply is taken to have reached the petitioner the day
  // it was given (deliveredAt = decidedAt), which the statutory request periods and the
  // NO_NEW_REQUEST_IN_TIME rule count from. The acceptance notice's delivery is not used by any
  // rule and is left unknown (null).
  const steps: {
    case_id: number;
    kind: StepKind;
    opinion: string;
    decided_at: string;
    delivered_at: string | null;
  }[] = [];
  const kindsOf = new Map<number, StepKind[]>();
  for (const c of batch) {
    const id = caseId.get(c.externalRef)!;
    const mine: StepKind[] = [StepKind.ACCEPTANCE];
    steps.push({
      case_id: id,
      kind: StepKind.ACCEPTANCE,
      opinion: c.acceptanceOpinion ?? ACCEPTANCE_OPINION_DEFAULT,
      decided_at: c.acceptedAt,
      delivered_at: null,
    });
    const later: [StepKind, string | null, string | null][] = [
      [StepKind.HANDLING, c.handledAt, c.handlingOpinion],
      [StepKind.REVIEW, c.reviewedAt, c.reviewOpinion],
      [StepKind.RE_REVIEW, c.reReviewedAt, c.reReviewOpinion],
    ];
    for (const [kind, at, opinion] of later) {
      if (!at) continue;
      mine.push(kind);
      steps.push({ case_id: id, kind, opinion: opinion!, decided_at: at, delivered_at: at });
    }
    if (preexisting.has(c.externalRef)) kindsOf.set(id, mine);
  }
  if (kindsOf.size) {
    // A re-imported case's steps are the file's: steps the file no longer has go.
    await sql(
      `delete from case_step s using jsonb_to_recordset(?::jsonb) as x(case_id int, kinds jsonb)
        where s.case_id = x.case_id and not (x.kinds @> to_jsonb(s.kind::text))`,
      [JSON.stringify([...kindsOf].map(([case_id, kinds]) => ({ case_id, kinds })))],
    );
  }
  await sql(
    `insert into case_step (case_id, kind, opinion, decided_at, delivered_at, recorded_by)
     select x.case_id, x.kind::case_step_kind, x.opinion, x.decided_at, x.delivered_at, ?
       from jsonb_to_recordset(?::jsonb) as x(case_id int, kind text, opinion text, decided_at date, delivered_at date)
     on conflict (case_id, kind) do update set
       opinion = excluded.opinion, decided_at = excluded.decided_at, delivered_at = excluded.delivered_at,
       recorded_by = excluded.recorded_by`,
    [actor.name, JSON.stringify(steps)],
  );
  result.steps += steps.length;

  // Terminations: an approved, notified application with the historical decision. Who applied and
  // examined is not in the file; the application and examination are dated on the approval day,
  // the latest they can have been.
  const apps = batch
    .filter((c) => c.termination)
    .map((c) => {
      const t = c.termination!;
      const agency = unitIds.get(t.approvingUnitCode)!;
      const year = Number(t.approvedAt.slice(0, 4));
      const m = DECISION_N_RE.exec(t.decisionNumber);
      if (m) {
        const n = Number(m[1]);
        const key = `${agency}:${year}`;
        if (Number.isSafeInteger(n) && n <= 2_147_483_647 && n > (counters.get(key)?.n ?? 0))
          counters.set(key, { agency, year, n });
      }
      return {
        case_id: caseId.get(c.externalRef)!,
        condition: t.condition,
        examining_unit_id: agency,
        decision_number: t.decisionNumber,
        decided_at: t.approvedAt,
        notified_at: t.notifiedAt,
        at: chinaMidnight(t.approvedAt),
        preexisting: preexisting.has(c.externalRef),
      };
    });
  result.cases.terminated += apps.length;
  result.cases.open += batch.length - apps.length;
  let updatedApps = new Set<number>();
  const toUpdate = apps.filter((a) => a.preexisting);
  if (toUpdate.length) {
    const rows = await sql<{ case_id: number }>(
      `update termination_application t set
         condition = x.condition::termination_condition, examining_unit_id = x.examining_unit_id,
         decision_number = x.decision_number, decided_at = x.decided_at, notified_at = x.notified_at,
         examined_at = x.at, version = t.version + 1
       from jsonb_to_recordset(?::jsonb) as x(case_id int, condition text, examining_unit_id int,
            decision_number text, decided_at date, notified_at date, at timestamptz)
       where t.case_id = x.case_id and t.status = 'APPROVED'
       returning t.case_id`,
      [JSON.stringify(toUpdate)],
    );
    updatedApps = new Set(rows.map((r) => r.case_id));
    result.terminations.updated += updatedApps.size;
  }
  const toInsert = apps.filter((a) => !updatedApps.has(a.case_id));
  if (toInsert.length) {
    await sql(
      `insert into termination_application (case_id, condition, statement, status, applied_by, applied_at,
              examining_unit_id, examined_by, examined_at, decision_number, decided_at, notified_at,
              delivery_method, notified_by)
       select x.case_id, x.condition::termination_condition, ?, 'APPROVED', ?, x.at, x.examining_unit_id, ?, x.at,
              x.decision_number, x.decided_at, x.notified_at, null, ?
         from jsonb_to_recordset(?::jsonb) as x(case_id int, condition text, examining_unit_id int,
              decision_number text, decided_at date, notified_at date, at timestamptz)`,
      [APPLICATION_STATEMENT, actor.name, actor.name, actor.name, JSON.stringify(toInsert)],
    );
    result.terminations.created += toInsert.length;
  }
  return apps.map((a) => a.case_id);
}
