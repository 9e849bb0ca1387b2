import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * The hash-chain rule, shared by the writer (AuditService) and this verifier:
 *
 *   hash = sha256_hex(prev_hash + '\n' + canonical JSON of the row's stored columns)
 *
 * The canonical JSON has the columns in this fixed order: seq, at, user_id, user_name, role,
 * unit_code, operation, case_id, petitioner_id, fields, reason, details. Bigints are plain JSON
 * numbers written from their decimal digits; `at` is an ISO 8601 string as `toISOString()`
 * writes it; absent values are null; `details` has its object keys sorted at every level, so
 * the text does not depend on the order in which jsonb keeps keys. The first row has seq 1 and
 * prev_hash GENESIS_HASH (64 zeros).
 *
 * Limits (by nature of a keyless chain): someone who can write the table and rewrites the
 * whole tail after an edit, or cuts entries off the end, leaves a chain that verifies. Record
 * the head (lastSeq, lastHash) somewhere else now and then, and pass it back as an anchor.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** The columns of one audit_log row that the hash covers; bigints as decimal text. */
export interface ChainedColumns {
  seq: string;
  /** ISO 8601 in UTC, as Date#toISOString() writes it: 2026-11-28T08:00:00.000Z. */
  at: string;
  userId: string | null;
  userName: string | null;
  role: string | null;
  unitCode: string | null;
  operation: string;
  caseId: string | null;
  petitionerId: string | null;
  fields: string[] | null;
  reason: string | null;
  details: unknown;
}

const INTEGER = /^-?[0-9]+$/;

function bigintJson(v: string | null, column: string): string {
  if (v === null) return 'null';
  if (!INTEGER.test(v)) throw new Error(`${column} 不是整数 (not an integer)`);
  return BigInt(v).toString();
}
const textJson = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/** JSON with object keys sorted at every level: one text for one value. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}

/** The canonical text of a row's columns (prev_hash and hash excluded). */
export function canonicalRow(c: ChainedColumns): string {
  return [
    `{"seq":${bigintJson(c.seq, 'seq')}`,
    `"at":${JSON.stringify(c.at)}`,
    `"user_id":${textJson(c.userId)}`,
    `"user_name":${textJson(c.userName)}`,
    `"role":${textJson(c.role)}`,
    `"unit_code":${textJson(c.unitCode)}`,
    `"operation":${JSON.stringify(c.operation)}`,
    `"case_id":${bigintJson(c.caseId, 'case_id')}`,
    `"petitioner_id":${bigintJson(c.petitionerId, 'petitioner_id')}`,
    `"fields":${c.fields === null ? 'null' : `[${c.fields.map((f) => JSON.stringify(f)).join(',')}]`}`,
    `"reason":${textJson(c.reason)}`,
    `"details":${canonicalJson(c.details)}}`,
  ].join(',');
}

export function chainHash(prevHash: string, columns: ChainedColumns): string {
  return createHash('sha256')
    .update(prevHash + '\n' + canonicalRow(columns), 'utf8')
    .digest('hex');
}

// ---------------------------------------------------------------------------------------------

/** Anything that runs SQL: a MikroORM EntityManager, or a pg Client / Pool. */
export type AuditExecutor =
  EntityManager | { query(text: string, params?: unknown[]): Promise<{ rows: any[] }> };

/** Runs SQL written with `?` placeholders (no `?` may appear elsewhere in the text). */
export type SqlRunner = <R = any>(sql: string, params?: unknown[]) => Promise<R[]>;

export function sqlRunner(x: AuditExecutor): SqlRunner {
  if (typeof (x as EntityManager).execute === 'function') {
    const em = x as EntityManager;
    return (sql, params = []) => em.execute(sql, params as any[]);
  }
  const client = x as { query(text: string, params?: unknown[]): Promise<{ rows: any[] }> };
  return async (sql, params = []) => {
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows;
  };
}

/**
 * The row as the hash sees it. `at` is read with microseconds: a value the application wrote
 * (a JS Date, so whole milliseconds) gives back exactly its toISOString(); a value someone
 * changed to sub-millisecond precision keeps its extra digits and so fails the hash.
 */
// Careful: `seq` is selected as text, so an ORDER BY must name the column as `audit_log.seq`
// (a bare `seq` there means the text alias and sorts 10 before 9).
export const CHAINED_SELECT = `select seq::text as seq,
    to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_us,
    user_id, user_name, role, unit_code, operation,
    case_id::text as case_id, petitioner_id::text as petitioner_id,
    fields, reason, details, prev_hash, hash
  from audit_log`;

export interface ChainedRow {
  seq: string;
  at_us: string;
  user_id: string | null;
  user_name: string | null;
  role: string | null;
  unit_code: string | null;
  operation: string;
  case_id: string | null;
  petitioner_id: string | null;
  fields: string[] | null;
  reason: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** `YYYY-MM-DDTHH:MI:SS.uuuuuu` (UTC) → ISO string; toISOString() form when whole milliseconds. */
export function isoFromMicros(atUs: string): string {
  return atUs.endsWith('000') ? `${atUs.slice(0, -3)}Z` : `${atUs}Z`;
}

export function columnsOf(r: ChainedRow): ChainedColumns {
  return {
    seq: r.seq,
    at: isoFromMicros(r.at_us),
    userId: r.user_id,
    userName: r.user_name,
    role: r.role,
    unitCode: r.unit_code,
    operation: r.operation,
    caseId: r.case_id,
    petitionerId: r.petitioner_id,
    fields: r.fields,
    reason: r.reason,
    details: r.details,
  };
}

export interface AuditChainVerification {
  ok: boolean;
  /** Entries found intact, from seq 1 up to the first broken one (or to the end). */
  checked: number;
  firstBroken?: { seq: number; problem: string };
  /** The last intact entry: note it elsewhere and pass it back as an anchor later. */
  lastSeq: number | null;
  lastHash: string | null;
}

export interface VerifyOptions {
  /** Rows read per query (keyset pagination on seq); default 2000. */
  batchSize?: number;
  /** Called after each batch with the number of entries checked so far. */
  onProgress?: (checked: number) => void;
  /**
   * Heads noted earlier (seq and hash). Each must still be in the chain with the same hash:
   * this is what catches entries cut off the end, or a tail rewritten and re-hashed.
   */
  anchors?: { seq: number | string; hash: string }[];
}

/**
 * Walks audit_log in seq order, in batches, and recomputes every hash and every link.
 * Stops at the first problem and names it: a gap (deleted entries), a broken link (an entry
 * removed, inserted or reordered, or its predecessor rewritten), a hash mismatch (an edited
 * entry) or a missing anchor.
 */
export async function verifyAuditChain(
  executor: AuditExecutor,
  options: VerifyOptions = {},
): Promise<AuditChainVerification> {
  const run = sqlRunner(executor);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 2000, 50_000));
  const anchors = new Map<string, string>();
  for (const a of options.anchors ?? []) anchors.set(BigInt(a.seq).toString(), a.hash.toLowerCase());

  let prevSeq: bigint | null = null;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const broken = (seq: bigint | string, problem: string): AuditChainVerification => ({
    ok: false,
    checked,
    firstBroken: { seq: Number(seq), problem },
    lastSeq: prevSeq === null ? null : Number(prevSeq),
    lastHash: prevSeq === null ? null : prevHash,
  });

  let cursor = '-9223372036854775808';
  for (;;) {
    const rows = await run<ChainedRow>(
      `${CHAINED_SELECT} where seq > ?::bigint order by audit_log.seq limit ?`,
      [cursor, batchSize],
    );
    for (const r of rows) {
      const seq = BigInt(r.seq);
      const expected: bigint = prevSeq === null ? 1n : prevSeq + 1n;
      if (seq > expected) return broken(seq, `第 ${seq} 条之前的记录缺失 (gap: expected seq ${expected})`);
      if (seq < expected) return broken(seq, `第 ${seq} 条记录序号异常 (bad seq: expected ${expected})`);
      if (r.prev_hash !== prevHash) {
        return broken(
          seq,
          prevSeq === null
            ? `第 ${seq} 条记录的前序哈希不是链首值 (broken link: bad genesis prev_hash)`
            : `第 ${seq} 条记录与第 ${prevSeq} 条衔接不上，其间记录被删除、插入或改动 (broken link: prev_hash mismatch)`,
        );
      }
      let hash: string;
      try {
        hash = chainHash(r.prev_hash, columnsOf(r));
      } catch (e) {
        return broken(seq, `第 ${seq} 条记录无法解析 (unreadable: ${(e as Error).message})`);
      }
      if (hash !== r.hash) return broken(seq, `第 ${seq} 条记录内容被篡改 (hash mismatch)`);
      const anchored = anchors.get(r.seq);
      if (anchored !== undefined && anchored !== r.hash)
        return broken(seq, `第 ${seq} 条记录与此前记下的锚点哈希不同，链已被改写 (anchor mismatch)`);
      anchors.delete(r.seq);
      prevSeq = seq;
      prevHash = r.hash;
      checked++;
    }
    options.onProgress?.(checked);
    if (rows.length < batchSize) break;
    cursor = rows[rows.length - 1].seq;
  }

  if (anchors.size) {
    const missing = [...anchors.keys()].map(BigInt).sort((a, b) => (a < b ? -1 : 1))[0];
    return broken(
      missing,
      `第 ${missing} 条记录缺失：链在第 ${prevSeq ?? 0} 条处结束，此前记下的锚点已不在链中 (anchor missing: truncated)`,
    );
  }
  return {
    ok: true,
    checked,
    lastSeq: prevSeq === null ? null : Number(prevSeq),
    lastHash: prevSeq === null ? null : prevHash,
  };
}
