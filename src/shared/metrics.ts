import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * The hub's Prometheus metrics (served at GET /metrics, src/http/metrics.ts). One registry per
 * hub instance: tests start several hubs in one process, and prom-client's global registry would
 * refuse the second set of names.
 *
 * Labels carry only names the code defines (verdicts, error codes, pool names) and the
 * operation names clients give their GraphQL operations, checked against a strict pattern and
 * capped in number. Never a variable, a query text, a user or a petitioner.
 */

/** An operation name as a label: a plain identifier, and no run of 4+ digits (a phone or ID fragment). */
const OPERATION_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const DIGIT_RUN_RE = /[0-9]{4}/;
/** Distinct operation names one instance labels; later new names are counted as `other`. */
export const MAX_OPERATION_LABELS = 200;
/** Error codes are ours or Apollo's (UPPER_SNAKE); anything else is `OTHER`. */
const CODE_RE = /^[A-Z][A-Z0-9_]{0,47}$/;

export const DUPLICATE_VERDICTS = ['DUPLICATE', 'POSSIBLE_DUPLICATE', 'NO_MATCH'] as const;

/** Pool counts of one knex (tarn) pool, as MikroORM's connections hold them. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export class HubMetrics {
  readonly registry = new Registry();

  /** GraphQL operations that ran, by operation name and outcome (`OK` or the first error's code). */
  readonly graphqlRequests = new Counter({
    name: 'hub_graphql_requests_total',
    help: 'GraphQL operations handled, by operation name and outcome code (OK or the first error code)',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'hub_graphql_request_duration_seconds',
    help: 'Time from the start of a GraphQL operation to its response, by operation name and outcome code',
    labelNames: ['operation', 'code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Requests refused before an operation ran (no token, a bad token, an unknown unit). */
  readonly graphqlRefused = new Counter({
    name: 'hub_graphql_refused_total',
    help: 'GraphQL requests refused before the operation ran (authentication), by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly duplicateChecks = new Counter({
    name: 'hub_duplicate_checks_total',
    help: 'checkDuplicate answers by verdict',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });

  /**
   * Duplicate checks whose candidate search a limit cut short (the answer then says it is
   * incomplete and is never NO_MATCH). Incremented by the duplicate check (sharing module).
   */
  readonly duplicateSearchIncomplete = new Counter({
    name: 'hub_duplicate_search_incomplete_total',
    help: 'checkDuplicate searches cut short by a limit (answered as incomplete)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly operationLabels = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Zero series for every verdict, so a dashboard sees 0 rather than nothing.
    for (const verdict of DUPLICATE_VERDICTS) this.duplicateChecks.inc({ verdict }, 0);
    this.duplicateSearchIncomplete.inc({ reason: 'OWN_CASES_LIMIT' }, 0);
  }

  /** The label for a client's operation name: itself when plain and within the cap. */
  operationLabel(name: string | null | undefined): string {
    if (!name || !OPERATION_NAME_RE.test(name) || DIGIT_RUN_RE.test(name)) return 'anonymous';
    if (this.operationLabels.has(name)) return name;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationLabels.add(name);
    return name;
  }

  codeLabel(code: unknown): string {
    return typeof code === 'string' && CODE_RE.test(code) ? code : 'OTHER';
  }

  observeOperation(operationName: string | null | undefined, code: string, seconds: number): void {
    const labels = { operation: this.operationLabel(operationName), code };
    this.graphqlRequests.inc(labels);
    this.graphqlDuration.observe(labels, seconds);
  }

  /**
   * Gauges read at scrape time: the database pools (primary and each replica: connections in
   * use, idle, and requests waiting for one) and the audit log's length (its last sequence
   * number: the chain is gap-free from 1, and reading the primary key's end is cheap where a
   * count(*) over the log is not).
   */
  watchDatabase(orm: MikroORM): void {
    new Gauge({
      name: 'hub_db_pool_connections',
      help: 'Database pool connections by pool (primary, replica1, …) and state (used, free, pending)',
      labelNames: ['pool', 'state'] as const,
      registers: [this.registry],
      collect() {
        for (const [pool, tarn] of databasePools(orm)) {
          this.set({ pool, state: 'used' }, tarn?.numUsed() ?? 0);
          this.set({ pool, state: 'free' }, tarn?.numFree() ?? 0);
          this.set({ pool, state: 'pending' }, tarn?.numPendingAcquires() ?? 0);
        }
      },
    });
    new Gauge({
      name: 'hub_audit_log_entries',
      help: 'Entries in the audit log (its last sequence number)',
      registers: [this.registry],
      async collect() {
        try {
          const [row] = await orm.em
            .fork()
            .execute<{ n: string }[]>('select coalesce(max(seq), 0)::text as n from audit_log');
          this.set(Number(row.n));
        } catch {
          this.reset(); // database unreachable: no value rather than a stale one
        }
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The knex pools behind MikroORM: the primary's, then each read replica's. */
function databasePools(orm: MikroORM): [string, TarnPool | undefined][] {
  const driver = orm.em.getDriver();
  const poolOf = (c: { getKnex(): unknown }) =>
    (c.getKnex() as { client?: { pool?: TarnPool } }).client?.pool;
  // `replicas` is protected in MikroORM's DatabaseDriver; it is the list getConnection('read') picks from.
  const replicas = (driver as unknown as { replicas?: { getKnex(): unknown }[] }).replicas ?? [];
  return [
    ['primary', poolOf(driver.getConnection('write'))],
    ...replicas.map((r, i): [string, TarnPool | undefined] => [`replica${i + 1}`, poolOf(r)]),
  ];
}
