/**
 * The import's checks across lines and against the database: externalRefs and decision numbers
 * repeated in the file, the unit tree, the units cases refer to, the approving agency, and
 * re-imports that would clash with what the hub holds (units already there, cases being
 * re-imported, decision numbers already used).
 */
import { UnitKind } from '../org/unit.entity';
import { CaseStatus } from '../case/case.enums';
import { isObject, keyLabel, type ImportCase, type ImportUnit, type Json, type Reasons } from './line-schema';
import type { Sql } from './sql';

interface DbUnit {
  id: number;
  code: string;
  name: string;
  kind: UnitKind;
  path: string;
  parentCode: string | null;
}

/** What the checks need from the database; empty when validating without one. */
export interface Snapshot {
  units: Map<string, DbUnit>;
  /** Status of the cases the file re-imports, by externalRef. */
  caseStatus: Map<string, CaseStatus>;
  /** Decision numbers of the file already in the database, with the externalRef of their case (null: a case registered in the hub). */
  decisionOwner: Map<string, string | null>;
}

export const emptySnapshot = (): Snapshot => ({
  units: new Map(),
  caseStatus: new Map(),
  decisionOwner: new Map(),
});

/** Runs `fn` over `items` in chunks (keeps statements and their parameters small). */
async function inChunks<T>(items: T[], size: number, fn: (chunk: T[]) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

/**
 * What the cross-line checks look at, taken from every unit and case line, good or bad, so that a
 * line with a bad ID number is still told that its unit is unknown. Null: absent or unusable.
 */
export interface UnitRef {
  line: number;
  code: string | null;
  kind: UnitKind | null;
  parentCode: string | null;
  /** The line passed its own checks (only such units join the tree). */
  ok: boolean;
}
export interface CaseRef {
  line: number;
  externalRef: string | null;
  handlingUnitCode: string | null;
  /** Null when the line has no termination. */
  termination: { approvingUnitCode: string | null; decisionNumber: string | null } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function unitRef(line: number, obj: Json, ok: boolean): UnitRef {
  const kind = str(obj.unitKind);
  return {
    line,
    code: str(obj.code),
    kind: kind && (Object.values(UnitKind) as string[]).includes(kind) ? (kind as UnitKind) : null,
    parentCode: str(obj.parentCode),
    ok,
  };
}

export function caseRef(line: number, obj: Json): CaseRef {
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

export const refsOfUnits = (units: ImportUnit[]): UnitRef[] =>
  units.map((u) => ({ line: u.line, code: u.code, kind: u.kind, parentCode: u.parentCode, ok: true }));
export const refsOfCases = (cases: ImportCase[]): CaseRef[] =>
  cases.map((c) => ({
    line: c.line,
    externalRef: c.externalRef,
    handlingUnitCode: c.handlingUnitCode,
    termination: c.termination && {
      approvingUnitCode: c.termination.approvingUnitCode,
      decisionNumber: c.termination.decisionNumber,
    },
  }));

export async function loadSnapshot(sql: Sql, cases: CaseRef[]): Promise<Snapshot> {
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
export function crossCheck(
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

/**
 * ExternalRefs and decision numbers that the file repeats. Looked for even on otherwise bad lines,
 * so that one run reports them all.
 */
export class RepeatedInFile {
  private readonly refLine = new Map<string, number>();
  private readonly decisionLine = new Map<string, number>();

  /** Records a case line's externalRef and decision number; a repeat goes to `r`. */
  check(obj: Json, line: number, r: Reasons): void {
    const ref = typeof obj.externalRef === 'string' ? obj.externalRef.trim() : '';
    if (ref) {
      const first = this.refLine.get(ref);
      if (first !== undefined) r.add('externalRef', `外部编号 ${keyLabel(ref)} 与第 ${first} 行重复`);
      else this.refLine.set(ref, line);
    }
    const dn =
      isObject(obj.termination) && typeof obj.termination.decisionNumber === 'string'
        ? obj.termination.decisionNumber.trim()
        : '';
    if (dn) {
      const first = this.decisionLine.get(dn);
      if (first !== undefined) r.add('termination.decisionNumber', `终结决定文号与第 ${first} 行重复`);
      else this.decisionLine.set(dn, line);
    }
  }
}
