import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PetitionCase } from '../case/case.entity';
import { caseRows } from './case-rows';
import { contentIndexText } from './duplicate-method';
import {
  spendStatement,
  spentAll,
  windowStart,
  type SpendResult,
  type UsageWindow,
} from '../../shared/usage-windows';

/**
 * Candidate retrieval for `checkDuplicate`: which terminated cases are compared, in one statement
 * whose cost is bounded whatever the corpus (migration 20261203040001).
 *
 * - The petitioner's own terminated cases, by blind index (ID number, or name + phone), at most
 *   `maxOwnCases` of them, the most recently registered (highest id) first; more than that and
 *   the answer says it is incomplete.
 * - Other cases by content, through the exact inverted index of rare bigrams (`dup_gram_df`,
 *   `dup_gram_posting`, kept by triggers): the query's bigrams held by at most 2000 terminated
 *   cases (`dup_rare_cases()`), rarest first, as long as their posting lists together stay
 *   within POSTINGS entries; the cases they name weighted by the rarity of what they share
 *   (Σ ln(2001 / cases)), the POOL best ranked by the exact Jaccard similarity of their bigram
 *   sets with the query's, and the best CONTENT_CANDIDATES compared. Ties go by case id.
 *   A commoner bigram names a template (要求, 反映 …), not a matter, and is not looked up, like
 *   a stop word. These rules are what the search means and are the same for every check: no
 *   time limit, no planner estimate and no load can change what it finds.
 * So one check reads at most POSTINGS index entries and POOL cases, at any corpus size.
 */

/** Posting-list entries one check reads at most (the rarest bigrams first). */
export const POSTINGS = 2000;
/** Cases with the most rare bigrams in common, re-ranked by exact bigram similarity. */
export const POOL = 200;
/** Terminated cases compared by content, besides the petitioner's own. */
export const CONTENT_CANDIDATES = 20;
/**
 * Bigram sets of at most this many elements are read from the covering index
 * `petition_case_dup_grams_covering` (a b-tree entry holds at most ~2,700 bytes: 600 int4 and the
 * array header fit); longer ones, rare, from the heap through `petition_case_dup_grams_long`. The
 * same number is in the indexes' predicates (migration 20261203130001): change both together.
 */
export const COVERED_GRAMS = 600;

/**
 * The check tells whether an ID number belongs to a terminated case's petitioner, and the masked
 * ID leaves only the birth date unknown: unlimited checks would let anyone recover it. The windows
 * a check spends (its allowances and identity limits, sharing.service.ts) are spent by the
 * look-up statement itself, in `usage_window` (usage-windows.ts).
 */
export interface AllowanceRule {
  userId: string;
  now: Date;
  windows: UsageWindow[];
  /** The user's distinct-content windows start with this; those of past days are purged. */
  contentKindPrefix: string;
  /** This check's own content window (not purged). */
  contentKind: string | null;
}

export interface CandidateRow {
  case: PetitionCase;
  /** found by the petitioner's identity, and how; null when found by content only */
  identityBy: 'ID_NUMBER' | 'NAME_PHONE' | null;
  /** found by name + phone, but its petitioner's ID number differs from the one given */
  idNumberConflict: boolean;
  acceptedAt: string | null;
  stepDates: string[];
  decisionNumber: string | null;
  decidedAt: string | null;
}

export interface CandidateLookUp {
  /** refused: some window had no room (then nothing was spent or looked up) */
  spent: SpendResult;
  /** terminated cases of the petitioner's identity in all (may exceed those returned) */
  ownCases: number;
  candidates: CandidateRow[];
}

/**
 * The statement, exactly as the check sends it (the benchmark and the tests EXPLAIN it). It
 * finds the candidates (`cand`), then spends the check's windows, all or none (`spendStatement`,
 * usage-windows.ts), and returns the candidates only when they took it: a refused check gets
 * nothing and counts nowhere. The spend comes last so that parallel checks of one unit (whose
 * counter rows they share) queue on those rows only for the end of this one autocommitted
 * statement, not for its search, and never for the whole check.
 */
export function candidateLookUpQuery(
  em: EntityManager,
  q: {
    dupText: string;
    idBidx: string | null;
    namePhoneBidx: string | null;
    maxOwnCases: number;
    allowance: AllowanceRule;
  },
) {
  const columns = caseColumns(em);
  const { windows, userId, now, contentKindPrefix, contentKind } = q.allowance;
  // no windows (the benchmark's EXPLAIN): nothing to spend
  const bump = windows.length
    ? spendStatement(userId, windows, 1, now, 'cand')
    : { sql: `select ''::text as kind, 0 as used where false`, params: [] };
  const today = new Date(windowStart(now, { kind: '', seconds: 86_400, offsetSeconds: 8 * 3600, cap: 0 }));
  const sql = `
    with
    -- the user's distinct-content windows of past days, forgotten (one row per content checked)
    purge as (
      delete from usage_window where user_id = ?::text and starts_with(kind, ?::text)
         and kind <> ?::text and window_start < ?::timestamptz),
    q as (select content_grams(?::text) as grams),
    -- the petitioner's terminated cases: by ID number, or by the name and phone recorded on the
    -- case; a name + phone match whose ID number differs from a given one is another person
    -- (a spouse sharing a phone). Two indexed look-ups: an OR across the join would scan.
    own_all as (
      select c.id, 'ID_NUMBER' as by, false as conflict, 0 as pref
        from petitioner p join petition_case c on c.petitioner_id = p.id
       where p.id_number_bidx = ?::text and c.status = 'TERMINATED'
      union all
      select c.id, 'NAME_PHONE', (?::text is not null and p.id_number_bidx <> ?::text), 1
        from petition_case c join petitioner p on p.id = c.petitioner_id
       where c.petitioner_name_phone_bidx = ?::text and c.status = 'TERMINATED'),
    own_one as (select distinct on (id) id, by, conflict from own_all order by id, pref),
    own as (select * from own_one order by id desc limit ?::int),
    rare as (
      select gram, cases from (
        select d.gram, d.cases, sum(d.cases) over (order by d.cases, d.gram) as running
          from q, unnest(q.grams) g join dup_gram_df d on d.gram = g
         where d.cases <= dup_rare_cases()) r
       where running <= ${POSTINGS}),
    pool as (
      select p.case_id, sum(ln((dup_rare_cases() + 1)::float8 / r.cases)) as weight
        from rare r join dup_gram_posting p on p.gram = r.gram
       group by p.case_id order by weight desc, p.case_id limit ${POOL}),
    alike as (
      select pool.case_id as id from pool, q,
             -- one index-only look-up per pooled case in the covering index of terminated cases'
             -- bigram sets (migration 20261203130001), or, for the rare set too long for a b-tree
             -- entry, in the heap (the LIMIT keeps the planner from a scan)
             lateral (select icount(c.dup_grams & q.grams) as shared, icount(c.dup_grams) as n from petition_case c
                       where c.id = pool.case_id and c.status = 'TERMINATED'
                         and icount(c.dup_grams) <= ${COVERED_GRAMS}
                      union all
                      select icount(c.dup_grams & q.grams), icount(c.dup_grams) from petition_case c
                       where c.id = pool.case_id and c.status = 'TERMINATED'
                         and icount(c.dup_grams) > ${COVERED_GRAMS}
                      limit 1) c
       -- shared / union; both sets are sorted without repeats (content_grams), so the union has
       -- n + |q| - shared elements: the same ratio without building the union
       order by c.shared::float8 / greatest(c.n + icount(q.grams) - c.shared, 1) desc, pool.case_id
       limit ${CONTENT_CANDIDATES}),
    ids as (select id from own union select id from alike),
    cand as materialized (
      select own.by as dup_by, coalesce(own.conflict, false) as dup_conflict,
             f.accepted_at as dup_accepted_at, coalesce(f.dates, '{}') as dup_step_dates,
             a.decision_number as dup_decision_number, a.decided_at::text as dup_decided_at, ${columns}
        from ids join petition_case c on c.id = ids.id
        left join own on own.id = c.id
        left join lateral (
          select min(s.decided_at) filter (where s.kind = 'ACCEPTANCE')::text as accepted_at,
                 array_agg(s.decided_at::text order by s.decided_at, s.id) filter (where s.kind <> 'ACCEPTANCE') as dates
            from case_step s where s.case_id = c.id) f on true
        left join termination_application a on a.case_id = c.id and a.status = 'APPROVED'),
    -- spent once the candidates are found (it reads cand to its end first): the counter rows,
    -- shared by a unit's users, are locked for the rest of this statement only, not its search
    bump as materialized (${bump.sql})
    select (select json_agg(bump) from bump)::text as dup_spent, (select count(*) from own_one)::int as dup_own_cases,
           cand.*
      from (select 1) one
      left join cand on (select count(*) from bump where used >= 0) = ${windows.length}
     order by cand.id`;
  const params = [
    userId,
    contentKindPrefix,
    contentKind ?? '',
    today.toISOString(),
    q.dupText,
    q.idBidx ?? '',
    q.idBidx,
    q.idBidx,
    q.namePhoneBidx ?? '',
    q.maxOwnCases,
    ...bump.params,
  ];
  return { sql, params };
}

/** Spends the check's windows and finds the candidates, in one statement (autocommit). */
export async function lookUpCandidates(
  em: EntityManager,
  q: Parameters<typeof candidateLookUpQuery>[1],
): Promise<CandidateLookUp> {
  const { sql, params } = candidateLookUpQuery(em, q);
  const rows = await executePrepared(em, sql, params);
  const head = rows[0];
  const view = caseRows(em);
  const candidates = rows
    .filter((r) => r.id != null)
    .map((r) => ({
      case: view.map(r),
      identityBy: (r.dup_by as CandidateRow['identityBy']) ?? null,
      idNumberConflict: r.dup_conflict === true,
      acceptedAt: (r.dup_accepted_at as string | null) ?? null,
      stepDates: (r.dup_step_dates as string[]) ?? [],
      decisionNumber: (r.dup_decision_number as string | null) ?? null,
      decidedAt: (r.dup_decided_at as string | null) ?? null,
    }));
  const spentRows = JSON.parse((head.dup_spent as string | null) ?? '[]') as { kind: string; used: number }[];
  return {
    spent: spentAll(q.allowance.windows, spentRows, q.allowance.now),
    ownCases: Number(head.dup_own_cases),
    candidates,
  };
}

/**
 * The look-up as a named prepared statement on its connection: the text is parsed and planned once
 * per connection, then PostgreSQL's plan cache keeps the generic plan, which is the custom plan's
 * shape (the query's bigrams come from content_grams either way; EXPLAIN EXECUTE shows the same
 * index look-ups), instead of planning the statement anew for every check (~4 ms of the database's
 * CPU, half the execution). Logged as MikroORM logs its own queries. Inside a transaction (none
 * of the hub's checks is) it goes through the transaction's connection as any other statement.
 */
const nativeTexts = new Map<string, { text: string; name: string }>();
async function executePrepared(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  if (em.isInTransaction()) return em.execute<Record<string, unknown>[]>(sql, params);
  const knex = em.getConnection().getKnex();
  let native = nativeTexts.get(sql);
  if (!native) {
    const text = knex
      .raw(sql, params as never[])
      .toSQL()
      .toNative().sql;
    native = { text, name: `dup_lookup_${createHash('sha256').update(text).digest('hex').slice(0, 16)}` };
    // a handful of texts (with or without an identity's windows)
    if (nativeTexts.size < 16) nativeTexts.set(sql, native);
  }
  const pool = knex.client as {
    acquireConnection(): Promise<any>;
    releaseConnection(c: unknown): Promise<void>;
  };
  const client = (await pool.acquireConnection()) as {
    query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
  };
  const t0 = Date.now();
  let rows: Record<string, unknown>[] | undefined;
  try {
    rows = (await client.query({ name: native.name, text: native.text, values: params })).rows;
    return rows;
  } finally {
    em.config.getLogger().logQuery({
      query: sql,
      took: Date.now() - t0,
      results: rows?.length,
      level: rows ? 'info' : 'error',
    });
    await pool.releaseConnection(client);
  }
}

/** The case's columns the answer reads, as `c.x, …` (not `c.*`: dup_grams is the database's alone). */
export const caseColumns = (em: EntityManager) => caseRows(em).columns;

/**
 * The look-up for a text alone, as a check without identity sends it but spending no allowance
 * (no windows): what the plan tests and the EXPLAIN scripts read.
 */
export function contentOnlyLookUpQuery(em: EntityManager, text: string, maxOwnCases: number, userId: string) {
  return candidateLookUpQuery(em, {
    dupText: contentIndexText(text),
    idBidx: null,
    namePhoneBidx: null,
    maxOwnCases,
    allowance: { userId, now: new Date(), windows: [], contentKindPrefix: 'dup:content:', contentKind: null },
  });
}
