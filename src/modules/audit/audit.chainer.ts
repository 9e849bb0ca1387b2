import { GENESIS_HASH, chainHash, columnsOf, type ChainedColumns, type ChainedRow } from './audit.verify';

/*
 * The appender of entries written outside a transaction (the clear reads of each response,
 * reveals, exports…): one per process and database pool, so that concurrent writers never queue
 * on the chain's lock one by one.
 *
 * A writer hands its entries over and waits. Entries that arrive while a batch is being written
 * wait for the next batch; each batch is chained in arrival order and committed (synchronously,
 * so it is on disk) in one transaction holding the chain's advisory lock: at c=10 that is one
 * lock holding and one disk flush for everyone's entries instead of ten of each. Across processes
 * (several hub instances, the CLI, writers inside a transaction) the lock still orders the
 * batches, so the chain stays one gapless sequence that `audit:verify` checks link by link.
 *
 * The chainer remembers the head it wrote last. Its next batch is hashed on that head before the
 * lock is taken and sent as one statement that takes the lock, inserts the rows only if the head
 * is still that one (and nothing is left staged in audit_pending) and commits: the lock is held
 * for one statement on the server, never across a round trip to this process. If someone else
 * appended meanwhile, nothing is inserted and the batch is chained again on the head read under
 * the lock (two round trips), taking any staged leftovers too.
 *
 * A writer's promise resolves only once its entries are committed in the chain, and rejects if
 * they are not: the caller (the clear-read plugin) then withholds the response. One writer's bad
 * entry does not fail the others: a failed batch is retried writer by writer.
 */

/** Key of the PostgreSQL advisory lock that orders appends (bytes spell "auditlog"). */
export const AUDIT_LOCK_KEY = '7022364680378345319';

/** An entry's columns as the hash and the insert see them, before seq and links are known. */
export type Unchained = Omit<ChainedColumns, 'seq'>;

/** A connection of the ORM's pool, used directly. */
export interface PoolClient {
  query(text: string, params?: unknown[]): Promise<any>;
  escapeLiteral(value: string): string;
  __knex__disposed?: unknown;
}

export interface ConnectionSource {
  acquire(): Promise<PoolClient>;
  release(client: PoolClient): Promise<void>;
}

/**
 * Inserts linked entries sent as one JSON value (see `linked`): the entries' seq and prev_hash are
 * not sent (they follow from the head and from the previous entry's hash), and the columns that
 * consecutive entries share (time and actor) are sent once per run of entries: a page of 20 clear
 * reads is a few kilobytes. `value` is the SQL of the JSON (a placeholder or a literal).
 */
export function insertChained(value: string, where = ''): string {
  return `insert into audit_log
    (seq, at, user_id, user_name, role, unit_code, operation, case_id, petitioner_id, fields, reason, details,
     prev_hash, hash)
  select (d->>'s')::bigint + row_number() over w, (g->>0)::timestamptz, g->>1, g->>2, g->>3, g->>4,
         r->>0, (r->>1)::bigint, (r->>2)::bigint,
         case when jsonb_typeof(r->3) = 'array' then
           array(select f from jsonb_array_elements_text(r->3) with ordinality as t(f, i) order by i)
         end,
         r->>4, nullif(r->5, 'null'::jsonb), coalesce(lag(r->>6) over w, d->>'p'), r->>6
    from (select ${value}::jsonb as d) as x
         cross join lateral jsonb_array_elements(d->'g') with ordinality as gg(g, gi)
         cross join lateral jsonb_array_elements(g->5) with ordinality as e(r, i)
   ${where}
  window w as (order by gi, i)`;
}

/**
 * Staged entries taken out in staging order, with the chain's head: one statement, run with the
 * lock held, so it sees the last committed entry.
 */
const TAKE_PENDING = `with taken as (
    delete from audit_pending where id in (select id from audit_pending order by id limit $1) returning *)
  select (select json_build_object('seq', seq::text, 'hash', hash) from audit_log order by seq desc limit 1) as head,
         coalesce((select json_agg(t order by t.id) from (
           select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_us, user_id, user_name, role,
                  unit_code, operation, case_id::text as case_id, petitioner_id::text as petitioner_id, fields, reason,
                  details
             from taken) t), '[]'::json) as taken`;

/** Staged leftovers taken per lock holding, at most. */
const TAKE_BATCH = 5000;
/** Entries chained per batch, at most (a larger arrival waits for the next batch). */
const CHAIN_BATCH = 5000;

interface Head {
  seq: string;
  hash: string;
}

/**
 * The entries linked after `head` (hashed here, DESIGN.md §3's chain rule in audit.verify.ts), as
 * insertChained reads them, and the new head.
 */
export function linked(head: Head | null, entries: Unchained[]): { json: string; last: Head } {
  let seq = head ? BigInt(head.seq) : 0n;
  let prevHash = head ? head.hash : GENESIS_HASH;
  const groups: unknown[][] = [];
  let group: unknown[][] | null = null;
  let prev: Unchained | null = null;
  for (const e of entries) {
    seq += 1n;
    const hash = chainHash(prevHash, { ...e, seq: seq.toString() });
    const same =
      prev &&
      prev.at === e.at &&
      prev.userId === e.userId &&
      prev.userName === e.userName &&
      prev.role === e.role &&
      prev.unitCode === e.unitCode;
    if (!same || !group) {
      group = [];
      groups.push([e.at, e.userId, e.userName, e.role, e.unitCode, group]);
    }
    group.push([e.operation, e.caseId, e.petitionerId, e.fields, e.reason, e.details, hash]);
    prev = e;
    prevHash = hash;
  }
  return {
    json: JSON.stringify({
      s: (head ? BigInt(head.seq) : 0n).toString(),
      p: head ? head.hash : GENESIS_HASH,
      g: groups,
    }),
    last: { seq: seq.toString(), hash: prevHash },
  };
}

interface Waiter {
  entries: Unchained[];
  resolve: (chainedFromStage: number) => void;
  reject: (e: unknown) => void;
  /** Drain audit_pending too (chainPending). */
  drain: boolean;
}

export class AuditChainer {
  private queue: Waiter[] = [];
  private running = false;
  /** The head this chainer committed last; null: unknown, read it under the lock. */
  private head: Head | null = null;

  constructor(private readonly connections: ConnectionSource) {}

  /** Resolves once `entries` are committed in the chain (with the number of staged leftovers chained). */
  append(entries: Unchained[], drain = false): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ entries, resolve, reject, drain });
      if (!this.running) void this.run();
    });
  }

  private async run() {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch: Waiter[] = [];
        let n = 0;
        while (this.queue.length && (batch.length === 0 || n + this.queue[0].entries.length <= CHAIN_BATCH)) {
          const w = this.queue.shift()!;
          batch.push(w);
          n += w.entries.length;
        }
        await this.write(batch).catch((e: unknown) => batch.forEach((w) => w.reject(e)));
      }
    } finally {
      this.running = false;
    }
  }

  private async write(batch: Waiter[]) {
    try {
      const staged = await this.chain(
        batch.flatMap((w) => w.entries),
        batch.some((w) => w.drain),
      );
      batch.forEach((w, i) => w.resolve(i === 0 ? staged : 0));
      return;
    } catch (e) {
      // Only a refused value (SQLSTATE class 22 data or 23 constraint) can be one writer's fault;
      // anything else (the database gone, a timeout) fails every writer now, not one by one.
      const code = String((e as { code?: unknown }).code ?? '');
      if (batch.length === 1 || !/^2[23]/.test(code)) {
        batch.forEach((w) => w.reject(e));
        return;
      }
    }
    // One writer's entry failed the batch: each writer alone, so only that one fails.
    for (const w of batch) {
      try {
        w.resolve(await this.chain(w.entries, w.drain));
      } catch (e) {
        w.reject(e);
      }
    }
  }

  /** Commits `entries` at the end of the chain; returns the number of staged leftovers chained. */
  private async chain(entries: Unchained[], drain: boolean): Promise<number> {
    const client = await this.connections.acquire();
    try {
      if (!drain && this.head && entries.length) {
        // One round trip: lock, insert if the head is still ours and nothing is staged, commit.
        const { json, last } = linked(this.head, entries);
        const guard = `where exists (select 1 from audit_log where seq = ${BigInt(this.head.seq)}
            and hash = ${client.escapeLiteral(this.head.hash)})
          and not exists (select 1 from audit_log where seq > ${BigInt(this.head.seq)})
          and not exists (select 1 from audit_pending)`;
        const results = (await this.query(
          client,
          `begin; select pg_advisory_xact_lock(${BigInt(AUDIT_LOCK_KEY)}); ` +
            `${insertChained(client.escapeLiteral(json), guard)}; commit`,
        )) as { rowCount: number | null }[];
        if (results[2].rowCount === entries.length) {
          this.head = last;
          return 0;
        }
        if (results[2].rowCount) throw new Error('audit chain: partial insert'); // cannot happen: one statement
      }
      return await this.chainOnHead(client, entries);
    } catch (e) {
      this.head = null;
      throw e;
    } finally {
      await this.connections.release(client);
    }
  }

  /** Two round trips: lock and read the head (taking staged leftovers); insert and commit. */
  private async chainOnHead(client: PoolClient, entries: Unchained[]): Promise<number> {
    let stagedTotal = 0;
    for (;;) {
      const results = (await this.query(
        client,
        `begin; select pg_advisory_xact_lock(${BigInt(AUDIT_LOCK_KEY)}); ${TAKE_PENDING.replace('$1', String(TAKE_BATCH))}`,
      )) as { rows: any[] }[];
      const [{ head, taken }] = results[2].rows as {
        head: Head | null;
        taken: (Omit<ChainedRow, 'seq' | 'prev_hash' | 'hash'> & { id: string })[];
      }[];
      // Leftovers staged earlier go first: they were written before anything queued now.
      const staged: Unchained[] = taken.map((r) => {
        const { seq: _seq, ...c } = columnsOf({ ...r, seq: '0', prev_hash: '', hash: '' });
        return c;
      });
      const more = taken.length === TAKE_BATCH;
      const all = more ? staged : [...staged, ...entries];
      if (!all.length) {
        await this.query(client, 'commit');
        this.head = head;
        return stagedTotal;
      }
      const { json, last } = linked(head, all);
      await this.query(client, `${insertChained(client.escapeLiteral(json))}; commit`);
      this.head = last;
      stagedTotal += taken.length;
      if (!more) return stagedTotal;
    }
  }

  private async query(client: PoolClient, sql: string) {
    try {
      return await client.query(sql);
    } catch (e) {
      await client.query('rollback').catch((err: unknown) => (client.__knex__disposed = err));
      throw e;
    }
  }
}

const chainers = new WeakMap<object, AuditChainer>();

/** The chainer of this knex client (one per ORM, i.e. per process and database). */
export function chainerOf(knexClient: {
  acquireConnection(): Promise<unknown>;
  releaseConnection(c: unknown): Promise<unknown>;
}): AuditChainer {
  let c = chainers.get(knexClient);
  if (!c) {
    c = new AuditChainer({
      acquire: async () => (await knexClient.acquireConnection()) as PoolClient,
      release: async (client) => {
        await knexClient.releaseConnection(client);
      },
    });
    chainers.set(knexClient, c);
  }
  return c;
}
