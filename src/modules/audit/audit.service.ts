import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError, Problems } from '../../errors';
import { AUDIT_LOG_PAGE_CAP, checkPage, edgesPage, keysetPage } from '../../shared/paging';
import { AUDIT_LOCK_KEY, chainerOf, insertChained, linked } from './audit.chainer';
import {
  CHAINED_SELECT,
  isoFromMicros,
  verifyAuditChain,
  type AuditChainVerification,
  type ChainedColumns,
  type ChainedRow,
  type VerifyOptions,
} from './audit.verify';

export { AUDIT_LOCK_KEY };

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
 * and a committed one always has its entry); otherwise they go to the process's chainer
 * (audit.chainer.ts), which commits everyone's entries in batches, and the call returns once
 * the entries are committed in the chain.
 *
 * Appends inside a transaction take the chain's advisory lock, held to the end of that
 * transaction: record near the end of a long transaction, and never while waiting on other locks,
 * to keep the wait short. Inside `em.transactional(async (tem) => …)` use `audit.withEm(tem)`: the
 * callback's EntityManager is a fork that carries the transaction, the outer one does not.
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
   * Appends all entries, in the order given, all with the same time. Inside a transaction: with
   * the chain's lock, joining that transaction. Outside one: through the process's chainer, with
   * whatever else is being appended meanwhile; returns once they are committed in the chain, and
   * throws if they are not.
   */
  async recordMany(entries: AuditEntry[]): Promise<void> {
    if (!this.em.isInTransaction()) return this.recordManyDetached(entries);
    if (!entries.length) return;
    await this.append(this.em, entries.map(prepare), this.now().toISOString());
  }

  /**
   * Appends the entries as their own commit through the process's chainer, never joining a
   * transaction the EntityManager may be in (the clear reads of a response: they stand whatever
   * became of the request's writes). Returns once they are committed in the chain.
   */
  async recordManyDetached(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const prepared = entries.map(prepare);
    const at = this.now().toISOString();
    await this.chainer().append(prepared.map((p) => ({ ...p, at })));
  }

  /**
   * Moves every entry left in audit_pending (staged by an earlier version, or by a process that
   * stopped before chaining it) into the chain, in staging order. Run before the log is read or
   * verified, so nothing staged is left out; returns how many were chained.
   */
  async chainPending(): Promise<number> {
    return this.chainer().append([], true);
  }

  private chainer() {
    const knex = (this.em.getConnection() as unknown as { getKnex(): { client: any } }).getKnex();
    return chainerOf(knex.client);
  }

  /** With the caller's transaction: takes the chain's lock, links the entries after the head, inserts them. */
  private async append(em: EntityManager, prepared: Prepared[], at: string): Promise<void> {
    await em.execute('select pg_advisory_xact_lock(?::bigint)', [AUDIT_LOCK_KEY]);
    // Read after the lock: under READ COMMITTED this statement sees the last committed entry.
    const [head] = await em.execute<{ seq: string; hash: string }[]>(
      'select seq::text as seq, hash from audit_log order by audit_log.seq desc limit 1',
    );
    const { json } = linked(
      head ?? null,
      prepared.map((p) => ({ ...p, at })),
    );
    await em.execute(insertChained('?'), [json]);
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
