import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError, Problems } from '../../errors';
import { AUDIT_LOG_PAGE_CAP, checkPage, edgesPage, keysetPage } from '../../shared/paging';
import {
  CHAINED_SELECT,
  GENESIS_HASH,
  chainHash,
  columnsOf,
  isoFromMicros,
  verifyAuditChain,
  type AuditChainVerification,
  type ChainedColumns,
  type ChainedRow,
  type VerifyOptions,
} from './audit.verify';

/**
 * Key of the PostgreSQL advisory lock that serialises appends to the chain
 * (pg_advisory_xact_lock, held until the appending transaction ends). The bytes spell "auditlog".
 */
export const AUDIT_LOCK_KEY = '7022364680378345319';

/** Who acted. An Actor (src/auth/actor.ts) fits; command-line tasks pass a system actor. */
export interface AuditActor {
  userId: string;
  name: string;
  role: string;
  unitCode: string;
}

/**
 * One audited event. `details` must never hold personal data in clear: pass blind indexes,
 * ids, counts, verdicts, field names.
 */
export interface AuditEntry {
  actor: AuditActor;
  /** Dotted name, e.g. `case.read.clear`, `petitioner.reveal`, `sharing.checkDuplicate`, `termination.approve`. */
  operation: string;
  caseId?: number | null;
  petitionerId?: number | null;
  /** Names of the personal-data fields involved, e.g. ['name', 'idNumber']. */
  fields?: string[];
  /** The reason the actor stated (a reveal's reason); free text, so keep personal data out of it. */
  reason?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditLogFilter {
  caseId?: number | string | null;
  userId?: string | null;
  operation?: string | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
}

export interface AuditLogRecord {
  seq: number;
  at: Date;
  userId: string | null;
  userName: string | null;
  role: string | null;
  unitCode: string | null;
  operation: string;
  caseId: number | null;
  petitionerId: number | null;
  fields: string[] | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditLogPage {
  edges: { cursor: string; node: AuditLogRecord }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when asked for (a count over a large log is not free). */
  totalCount: () => Promise<number>;
}

export const AUDIT_PAGE_DEFAULT = 50;

const OPERATION_RE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

/** An entry checked and reduced to the stored columns, before seq, time and hashes are known. */
type Prepared = Omit<ChainedColumns, 'seq' | 'at'>;

function prepare(entry: AuditEntry): Prepared {
  const fail = (what: string): never => {
    throw new Error(`审计记录无效 (invalid audit entry, ${entry?.operation}): ${what}`);
  };
  if (!entry || typeof entry !== 'object') fail('not an object');
  if (typeof entry.operation !== 'string' || !OPERATION_RE.test(entry.operation)) fail('operation');
  if (!entry.actor || typeof entry.actor !== 'object') fail('actor');
  const id = (v: number | null | undefined, name: string): string | null => {
    if (v === null || v === undefined) return null;
    if (!Number.isSafeInteger(v)) fail(`${name} must be an integer`);
    return String(v);
  };
  const text = (v: unknown, name: string): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') fail(`${name} must be a string`);
    return v as string;
  };
  let fields: string[] | null = null;
  if (entry.fields !== undefined && entry.fields !== null) {
    if (!Array.isArray(entry.fields) || entry.fields.some((f) => typeof f !== 'string'))
      fail('fields must be strings');
    fields = [...entry.fields];
  }
  let details: Record<string, unknown> | null = null;
  if (entry.details !== undefined && entry.details !== null) {
    // What jsonb will store: Dates become strings, undefined members disappear.
    const normalised: unknown = JSON.parse(JSON.stringify(entry.details));
    if (!normalised || typeof normalised !== 'object' || Array.isArray(normalised))
      fail('details must be an object');
    details = normalised as Record<string, unknown>;
  }
  return {
    userId: text(entry.actor.userId, 'actor.userId'),
    userName: text(entry.actor.name, 'actor.name'),
    role: text(entry.actor.role, 'actor.role'),
    unitCode: text(entry.actor.unitCode, 'actor.unitCode'),
    operation: entry.operation,
    caseId: id(entry.caseId, 'caseId'),
    petitionerId: id(entry.petitionerId, 'petitionerId'),
    fields,
    reason: text(entry.reason, 'reason'),
    details,
  };
}

const INSERT = `insert into audit_log
    (seq, at, user_id, user_name, role, unit_code, operation, case_id, petitioner_id, fields, reason, details,
     prev_hash, hash)
  select (r->>'seq')::bigint, (r->>'at')::timestamptz, r->>'user_id', r->>'user_name', r->>'role',
         r->>'unit_code', r->>'operation', (r->>'case_id')::bigint, (r->>'petitioner_id')::bigint,
         case when jsonb_typeof(r->'fields') = 'array' then
           array(select f from jsonb_array_elements_text(r->'fields') with ordinality as t(f, i) order by i)
         end,
         r->>'reason', nullif(r->'details', 'null'::jsonb), r->>'prev_hash', r->>'hash'
    from jsonb_array_elements(?::jsonb) as r`;

/** Stages entries (no lock, no chain yet): AuditService.chainPending moves them into audit_log. */
const STAGE = `insert into audit_pending
    (at, user_id, user_name, role, unit_code, operation, case_id, petitioner_id, fields, reason, details)
  select (r->>'at')::timestamptz, r->>'user_id', r->>'user_name', r->>'role', r->>'unit_code', r->>'operation',
         (r->>'case_id')::bigint, (r->>'petitioner_id')::bigint,
         case when jsonb_typeof(r->'fields') = 'array' then
           array(select f from jsonb_array_elements_text(r->'fields') with ordinality as t(f, i) order by i)
         end,
         r->>'reason', nullif(r->'details', 'null'::jsonb)
    from jsonb_array_elements(?::jsonb) with ordinality as e(r, i) order by i`;

/**
 * Staged entries taken out, in the order they were staged, as the hash will see them, with the
 * chain's head: one statement (run with the lock held, so it sees the last committed entry).
 */
const TAKE_PENDING = `with taken as (
    delete from audit_pending where id in (select id from audit_pending order by id limit $1) returning *)
  select (select json_build_object('seq', seq::text, 'hash', hash) from audit_log order by seq desc limit 1) as head,
         coalesce((select json_agg(t order by t.id) from (
           select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_us, user_id, user_name, role,
                  unit_code, operation, case_id::text as case_id, petitioner_id::text as petitioner_id, fields, reason,
                  details
             from taken) t), '[]'::json) as taken`;
/** Staged entries chained per lock holding, at most. */
const CHAIN_BATCH = 5000;

/** A connection of the ORM's pool, used directly: the chaining is three round trips. */
interface PoolClient {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
  escapeLiteral(value: string): string;
  __knex__disposed?: unknown;
}

/** The entries linked after the chain's head, as INSERT reads them. */
function chainRows(
  head: { seq: string; hash: string } | null,
  entries: { prepared: Prepared; at: string }[],
) {
  let seq = head ? BigInt(head.seq) : 0n;
  let prevHash = head ? head.hash : GENESIS_HASH;
  return entries.map(({ prepared: p, at }) => {
    seq += 1n;
    const columns: ChainedColumns = { ...p, seq: seq.toString(), at };
    const hash = chainHash(prevHash, columns);
    const row = { seq: columns.seq, ...rowOf(p, at), prev_hash: prevHash, hash };
    prevHash = hash;
    return row;
  });
}

/** An entry's stored columns, as the insert statements read them from JSON. */
function rowOf(p: Prepared, at: string) {
  return {
    at,
    user_id: p.userId,
    user_name: p.userName,
    role: p.role,
    unit_code: p.unitCode,
    operation: p.operation,
    case_id: p.caseId,
    petitioner_id: p.petitionerId,
    fields: p.fields,
    reason: p.reason,
    details: p.details,
  };
}

function recordOf(r: ChainedRow): AuditLogRecord {
  return {
    seq: Number(r.seq),
    at: new Date(isoFromMicros(r.at_us)),
    userId: r.user_id,
    userName: r.user_name,
    role: r.role,
    unitCode: r.unit_code,
    operation: r.operation,
    caseId: r.case_id === null ? null : Number(r.case_id),
    petitionerId: r.petitioner_id === null ? null : Number(r.petitioner_id),
    fields: r.fields,
    reason: r.reason,
    details: (r.details as Record<string, unknown> | null) ?? null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The entries a supervisor of the unit at `unitPath` may read: what users of that unit and the
 * units below it did, and whatever anyone did to a case handled there (its blind indexes, reasons
 * and field names are about that unit's petitioners). A supervisor of a top-level unit reads its
 * own tree and the hub's own (system) entries about no case: units may form several separate
 * trees, and one tree's root sees nothing of another's. Null: no restriction (the system only).
 */
export function auditJurisdiction(unitPath: string): { sql: string; params: string[] } | null {
  if (unitPath === '') return null;
  const root = !unitPath.includes('.');
  return {
    sql: `(unit_code in (select code from unit where path <@ ?::ltree)
      or case_id in (select c.id from petition_case c join unit u on u.id = c.handling_unit_id
                      where u.path <@ ?::ltree)${root ? ` or (user_id like 'system:%' and case_id is null)` : ''})`,
    params: [unitPath, unitPath],
  };
}

function assertSupervisor(actor: { role: string }) {
  if (actor.role !== 'SUPERVISOR') throw new ForbiddenError('只有监督检查人员可以查看审计日志');
}

/**
 * The append-only, hash-chained audit log (DESIGN.md §3). Appends join the caller's
 * transaction when the EntityManager is in one (so a rolled-back write leaves no audit entry
 * and a committed one always has its entry); otherwise each call is its own transaction.
 *
 * Appends are serialised by an advisory lock held to the end of the transaction: record near
 * the end of a long transaction, and never while waiting on other locks, to keep the wait short.
 * Inside `em.transactional(async (tem) => …)` use `audit.withEm(tem)`: the callback's
 * EntityManager is a fork that carries the transaction, the outer one does not.
 */
export class AuditService {
  constructor(
    private readonly em: EntityManager,
    private readonly now: () => Date,
  ) {}

  /** The same service bound to another EntityManager (typically a transactional fork). */
  withEm(em: EntityManager): AuditService {
    return new AuditService(em, this.now);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.recordMany([entry]);
  }

  /**
   * Appends all entries, in the order given. Inside a transaction: with the chain's lock, joining
   * that transaction. Outside one: staged with one insert and no lock, then chained together with
   * whatever else is staged (chainPending); returns once they are in the chain.
   */
  async recordMany(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const prepared = entries.map(prepare);
    if (this.em.isInTransaction()) {
      await this.append(this.em, prepared);
      return;
    }
    const at = this.now().toISOString();
    await this.withClient(async (client) => {
      // Staged without waiting for the disk: the chaining commit below (ours, or that of the
      // holder who chains our entries first) is synchronous and flushes the log past this insert,
      // so the entries are durable before anything is answered; if chaining fails, nothing is.
      const staged = client.escapeLiteral(JSON.stringify(prepared.map((p) => rowOf(p, at))));
      try {
        await client.query(
          `begin; set local synchronous_commit = off; ${STAGE.replace('?', staged)}; commit`,
        );
      } catch (e) {
        await client.query('rollback').catch((err) => (client.__knex__disposed = err));
        throw e;
      }
      await this.chainWith(client);
    });
  }

  /**
   * Moves every staged entry into the chain, in staging order, under the chain's lock: one lock
   * holding (one commit) for all the entries staged meanwhile, however many writers staged them.
   * A writer that finds its entries already chained by the holder before it only waited. Also run
   * before the log is read or verified, so nothing staged is left out.
   */
  async chainPending(): Promise<number> {
    return this.withClient((client) => this.chainWith(client));
  }

  private async chainWith(client: PoolClient): Promise<number> {
    let chained = 0;
    for (;;) {
      // Two round trips: lock and take the staged entries with the head (each statement of the
      // batch has its own snapshot, so the take sees what was committed before the lock); insert
      // and commit. An empty take (another holder chained ours) just commits.
      let n: number;
      try {
        const results = (await client.query(
          `begin; select pg_advisory_xact_lock(${BigInt(AUDIT_LOCK_KEY)}); ${TAKE_PENDING.replace('$1', String(CHAIN_BATCH))}`,
        )) as unknown as { rows: any[] }[];
        const [{ head, taken }] = results[2].rows as {
          head: { seq: string; hash: string } | null;
          taken: (Omit<ChainedRow, 'seq' | 'prev_hash' | 'hash'> & { id: string })[];
        }[];
        n = taken.length;
        if (!n) {
          await client.query('commit');
          return chained;
        }
        const rows = chainRows(
          head,
          taken.map((r) => {
            const c = columnsOf({ ...r, seq: '0', prev_hash: '', hash: '' });
            return { prepared: c, at: c.at };
          }),
        );
        const sql = INSERT.replace('?::jsonb', `${client.escapeLiteral(JSON.stringify(rows))}::jsonb`);
        await client.query(`${sql}; commit`);
      } catch (e) {
        await client.query('rollback').catch((err) => (client.__knex__disposed = err));
        throw e;
      }
      chained += n;
      if (n < CHAIN_BATCH) return chained;
    }
  }

  /** A connection of the ORM's pool, held for `f`. */
  private async withClient<T>(f: (client: PoolClient) => Promise<T>): Promise<T> {
    const knexClient = (this.em.getConnection() as unknown as { getKnex(): { client: any } }).getKnex()
      .client;
    const client = (await knexClient.acquireConnection()) as PoolClient;
    try {
      return await f(client);
    } finally {
      await knexClient.releaseConnection(client);
    }
  }

  private async append(em: EntityManager, prepared: Prepared[]): Promise<void> {
    await em.execute('select pg_advisory_xact_lock(?::bigint)', [AUDIT_LOCK_KEY]);
    const at = this.now().toISOString();
    await this.insertChained(
      em,
      prepared.map((p) => ({ prepared: p, at })),
    );
  }

  /** With the chain's lock held: links the entries after the head and inserts them. */
  private async insertChained(
    em: EntityManager,
    entries: { prepared: Prepared; at: string }[],
  ): Promise<void> {
    // Read after the lock: under READ COMMITTED this statement sees the last committed entry.
    const [head] = await em.execute<{ seq: string; hash: string }[]>(
      'select seq::text as seq, hash from audit_log order by audit_log.seq desc limit 1',
    );
    await em.execute(INSERT, [JSON.stringify(chainRows(head ?? null, entries))]);
  }

  // ---- reading (SUPERVISOR only) ----

  /** Walks and checks the whole chain (see audit.verify.ts). */
  async verify(actor: { role: string }, options?: VerifyOptions): Promise<AuditChainVerification> {
    assertSupervisor(actor);
    await this.chainPending();
    return verifyAuditChain(this.em, options);
  }

  /**
   * Newest first; `first` defaults to 50 and is capped at 200; `after` is an endCursor. Only the
   * entries within the supervisor's jurisdiction (auditJurisdiction).
   */
  async list(
    actor: { role: string; unitPath: string },
    filter: AuditLogFilter = {},
    first: number = AUDIT_PAGE_DEFAULT,
    after?: string | null,
  ): Promise<AuditLogPage> {
    assertSupervisor(actor);
    const p = new Problems();
    // The sequence number is a bigint: the cursor keeps it as its decimal text.
    const page = checkPage(p, first, after, ['b'], AUDIT_LOG_PAGE_CAP);
    let caseId: string | null = null;
    if (filter.caseId !== null && filter.caseId !== undefined) {
      caseId = String(filter.caseId).trim();
      p.check(/^[1-9][0-9]{0,17}$/.test(caseId), 'filter.caseId', '案件 ID 应为正整数');
    }
    const validDate = (d: Date | null | undefined) => !d || !Number.isNaN(d.getTime());
    p.check(validDate(filter.from), 'filter.from', '起始时间无效');
    p.check(validDate(filter.to), 'filter.to', '截止时间无效');
    p.throwIfAny();
    await this.chainPending();

    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    const scope = auditJurisdiction(actor.unitPath);
    if (scope) {
      where.push(scope.sql);
      params.push(...scope.params);
    }
    if (caseId !== null) add('case_id = ?::bigint', caseId);
    if (filter.userId != null) add('user_id = ?', filter.userId);
    if (filter.operation != null) add('operation = ?', filter.operation);
    if (filter.from) add('at >= ?::timestamptz', filter.from.toISOString());
    if (filter.to) add('at < ?::timestamptz', filter.to.toISOString());
    const filterSql = where.length ? ` where ${where.join(' and ')}` : '';
    const filterParams = [...params];

    if (page.cursor) add('seq < ?::bigint', page.cursor[0]);
    const pageSql = `${CHAINED_SELECT}${where.length ? ` where ${where.join(' and ')}` : ''} order by audit_log.seq desc limit ?`;
    const rows = await this.em.execute<ChainedRow[]>(pageSql, [...params, page.first + 1]);
    const key = (r: ChainedRow) => [r.seq];
    let counted: Promise<number> | undefined;
    return {
      ...edgesPage(keysetPage(rows, page.first, key), key, recordOf),
      totalCount: () =>
        (counted ??= this.em
          .execute<{ n: string }[]>(`select count(*)::text as n from audit_log${filterSql}`, filterParams)
          .then((r) => Number(r[0].n))),
    };
  }
}
