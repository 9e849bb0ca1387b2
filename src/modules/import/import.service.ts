/**
 * Historical data import (DESIGN.md §4, `npm run import -- FILE.jsonl`).
 *
 * Two steps, kept apart so that nothing is written unless the whole file is good:
 *
 * 1. `validateImportFile` streams the file line by line and checks every line completely
 *    (line-schema.ts), collecting every problem of every line, then the lines together and, with
 *    an EntityManager, against the database (cross-checks.ts). It holds only the normalised
 *    records.
 * 2. `importData` writes a validated file in ONE transaction (writes.ts) with one audit entry.
 *    It repeats the database checks inside the transaction and refuses a file with problems, so
 *    "nothing is imported" holds however it is called; a database failure half-way rolls
 *    everything back too.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import { todayInChina } from '../../shared/dates';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { parseLine, Reasons, type ImportCase, type ImportUnit } from './line-schema';
import {
  caseRef,
  crossCheck,
  emptySnapshot,
  loadSnapshot,
  refsOfCases,
  refsOfUnits,
  RepeatedInFile,
  unitRef,
  type CaseRef,
  type UnitRef,
} from './cross-checks';
import {
  ANALYZE_AFTER_CASES,
  refreshStatistics,
  waitForOtherImports,
  writeImport,
  type ImportProgress,
  type ImportResult,
} from './writes';
import { sqlOf } from './sql';

export type { ImportProgress, ImportResult } from './writes';

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

export interface ImportOptions {
  /** Recorded in the audit entry (a file name, not a path with a user's home directory in it). */
  fileName?: string;
  /** Cases per multi-row statement. */
  batchSize?: number;
}

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
  const repeated = new RepeatedInFile();

  let lineNo = 0;
  for await (let raw of linesOf(source)) {
    lineNo++;
    if (lineNo % 1000 === 0) opts.onLine?.(lineNo);
    if (lineNo === 1) raw = raw.replace(/^\uFEFF/, '');
    if (raw.trim() === '') continue;
    const r = new Reasons();
    const parsed = parseLine(raw, r, now, today);
    if (parsed.kind === 'unit') {
      if (parsed.unit) units.push({ ...parsed.unit, line: lineNo });
      unitRefs.push(unitRef(lineNo, parsed.obj, !!parsed.unit));
    } else if (parsed.kind === 'case') {
      repeated.check(parsed.obj, lineNo, r);
      if (parsed.case && !r.list.length) cases.push({ ...parsed.case, line: lineNo });
      caseRefs.push(caseRef(lineNo, parsed.obj));
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
    await waitForOtherImports(sql);
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

    const result = await writeImport(tem, deps, actor, parsed, snap, { batchSize, onProgress });
    await new AuditService(tem, deps.now).record({
      actor,
      operation: 'import.run',
      details: { file: opts.fileName ?? null, lines: parsed.lines, ...result },
    });
    return result;
  });
  // After a large import, the statistics at once rather than when autovacuum gets to them.
  if (result.cases.created + result.cases.updated >= ANALYZE_AFTER_CASES)
    result.analyzed = await refreshStatistics(em);
  return result;
}
