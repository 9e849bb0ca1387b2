/**
 * The import's writes, inside the caller's transaction: units, then cases in batches of multi-row
 * `INSERT … SELECT FROM jsonb_to_recordset(…) ON CONFLICT …` statements (petitioners, cases,
 * steps, terminations, archives), then the decision-number counters. Re-importing is an upsert:
 * units by code (kept, name updated), petitioners by ID number (blind index), cases by
 * externalRef (fields, steps and termination replaced by the file's).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import { sealPetitioner } from '../petitioner/sealing';
import { CaseStatus, StepKind } from '../case/case.enums';
import { contentIndexText } from '../sharing/duplicate-method';
import { caseMaskedTitle, caseSearchText } from '../sharing/search-text';
import type { AuditActor } from '../audit/audit.service';
import { ensureArchives } from '../followup/archive.service';
import type { ImportCase, ImportUnit } from './line-schema';
import type { Snapshot } from './cross-checks';
import { sqlOf, type Sql } from './sql';

export interface ImportProgress {
  done: number;
  total: number;
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
export const ANALYZE_AFTER_CASES = 1000;
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

const ACCEPTANCE_OPINION_DEFAULT = '受理';
const APPLICATION_STATEMENT = '历史数据导入';
const DECISION_N_RE = /第(\d+)号/;

/** Midnight China time of a calendar day, for the timestamp columns of an imported decision. */
const chinaMidnight = (day: string) => `${day}T00:00:00+08:00`;

/** One import at a time: a second one waits here until the first has committed, then sees what it wrote. */
export async function waitForOtherImports(sql: Sql): Promise<void> {
  await sql(`select pg_advisory_xact_lock(hashtext('petition-hub:import'))`);
}

/** Writes a checked file's records; `snap` is the database as checked inside this transaction. */
export async function writeImport(
  tem: EntityManager,
  deps: Deps,
  actor: AuditActor,
  file: { units: ImportUnit[]; cases: ImportCase[] },
  snap: Snapshot,
  opts: { batchSize: number; onProgress?: (p: ImportProgress) => void },
): Promise<ImportResult> {
  const { batchSize, onProgress } = opts;
  const sql = sqlOf(tem);
  const result: ImportResult = {
    units: { created: 0, updated: 0 },
    cases: { created: 0, updated: 0, terminated: 0, open: 0 },
    petitioners: { created: 0, updated: 0 },
    steps: 0,
    terminations: { created: 0, updated: 0 },
    counters: 0,
    archivesCreated: 0,
  };

  await writeUnits(sql, file.units, snap, result);
  const unitIds = new Map<string, number>();
  for (const u of await sql<{ id: number; code: string }>('select id, code from unit'))
    unitIds.set(u.code, u.id);

  const createdPetitioners = new Set<string>();
  const updatedPetitioners = new Set<string>();
  /** Highest imported decision number per (agency, year). */
  const counters = new Map<string, { agency: number; year: number; n: number }>();
  const total = file.cases.length;
  onProgress?.({ done: 0, total });
  for (let i = 0; i < total; i += batchSize) {
    const batch = file.cases.slice(i, i + batchSize);
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
  return result;
}

/**
 * After a large import, what autovacuum would do later, at once: fresh statistics for every
 * table the import wrote, so the planner does not judge them by their size before the import
 * (a hash join over every application instead of an index look-up per case, for instance),
 * and the duplicate check's postings vacuumed so that their look-up reads the index alone, and
 * its bigram counts, which the import's batches updated once each (100,000 cases left ~100 dead
 * versions of each of their ~1,000 rows, every check's look-up of them reading through those).
 * The import is committed already: a failure here only leaves the work to autovacuum, so it does
 * not fail the import (false).
 */
const VACUUMED = ['dup_gram_posting', 'dup_gram_df'];
export async function refreshStatistics(em: EntityManager): Promise<boolean> {
  try {
    const conn = em.getConnection();
    await conn.execute('vacuum (analyze) dup_gram_posting, dup_gram_df');
    await conn.execute(`analyze ${IMPORT_TABLES.filter((x) => !VACUUMED.includes(x)).join(', ')}`);
    return true;
  } catch {
    return false;
  }
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
      masked_title: caseMaskedTitle(c.title, c.petitioner),
    };
  });
  const saved = await sql<{ id: number; external_ref: string; inserted: boolean }>(
    `insert into petition_case (external_ref, petitioner_id, petitioner_name_enc, petitioner_id_number_enc,
                                petitioner_phone_enc, petitioner_address_enc, petitioner_phone_bidx,
                                petitioner_name_phone_bidx, petitioner_key_id, petitioner_masked_enc,
                                handling_unit_id, category, title,
                                facts_and_reasons, requests, status, review_requested_at, re_review_requested_at,
                                terminated_at, dup_text, search_text, masked_title)
     select x.external_ref, x.petitioner_id, x.petitioner_name_enc, x.petitioner_id_number_enc,
            x.petitioner_phone_enc, x.petitioner_address_enc, x.petitioner_phone_bidx,
            x.petitioner_name_phone_bidx, x.petitioner_key_id, x.petitioner_masked_enc,
            x.handling_unit_id, x.category, x.title,
            x.facts_and_reasons, x.requests, x.status::case_status, x.review_requested_at, x.re_review_requested_at,
            x.terminated_at, x.dup_text, x.search_text, x.masked_title
       from jsonb_to_recordset(?::jsonb) as x(external_ref text, petitioner_id int, petitioner_name_enc text,
            petitioner_id_number_enc text, petitioner_phone_enc text, petitioner_address_enc text,
            petitioner_phone_bidx text, petitioner_name_phone_bidx text, petitioner_key_id text,
            petitioner_masked_enc text, handling_unit_id int, category text, title text, facts_and_reasons text, requests text, status text,
            review_requested_at date, re_review_requested_at date, terminated_at date, dup_text text,
            search_text text, masked_title text)
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
       masked_title = excluded.masked_title,
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
