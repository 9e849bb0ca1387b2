/**
 * Offline evaluation of the duplicate-check method (src/modules/sharing/duplicate-method.ts)
 * on a dev set in the dup-dev format (import.jsonl + queries.jsonl), without a database.
 *
 *   node -r @swc-node/register scripts/dup-eval.ts [DIR] [--retrieve=trgm|js] [--idf=package|corpus] [--verbose]
 *
 * --idf=corpus weighs words by IDF over the set's own terminated cases instead of the package's
 * general-corpus table (words.ts), to compare the two. The report ends with the time the method
 * takes per check in this process (profile the query, then profile and compare each candidate,
 * as the service does).
 *
 * It simulates what the service does: identity matching by normalised ID number or by
 * name + phone (as the blind indexes would), candidate retrieval (identity matches ∪ top 20
 * terminated cases by the content index's bigram share, simulated here), then compareContent +
 * judge. (On a few dozen cases the index's rare-bigram selection takes every bigram.)
 * Only terminated cases are candidates.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  caseProfile,
  compareContent,
  duplicateBlockers,
  judge,
  profileContent,
  contentIndexText,
  type ContentProfile,
  type DuplicateCandidate,
  type DuplicateVerdict,
  type KeyFact,
} from '../src/modules/sharing/duplicate-method';
import { termVector } from '../src/modules/sharing/words';

interface CaseLine {
  kind: 'case';
  externalRef: string;
  petitioner: { name: string; idNumber: string | null; phone: string | null };
  factsAndReasons: string;
  requests: string | null;
  acceptedAt: string | null;
  handledAt?: string | null;
  reviewedAt?: string | null;
  reReviewedAt?: string | null;
  termination?: { approvedAt: string; notifiedAt?: string | null; decisionNumber?: string | null } | null;
}
interface Query {
  id: string;
  label: string;
  input: { idNumber: string | null; name: string | null; phone: string | null; content: string };
  targetExternalRef: string | null;
  allowedVerdicts: DuplicateVerdict[];
  note?: string;
}

const args = process.argv.slice(2);
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'test/fixtures/dup-dev');
const retrieve = args.find((a) => a.startsWith('--retrieve='))?.split('=')[1] ?? 'trgm';
const verbose = args.includes('--verbose');
const idfMode = args.find((a) => a.startsWith('--idf='))?.split('=')[1] ?? 'package';
const TOP_K = 20;

const readJsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

// --- identity normalisation, exactly as the blind indexes use it (DESIGN.md §3) ----------
const normId = (v: string | null | undefined) => (v ? v.replace(/\s+/g, '').toUpperCase() : '');
const normPhone = (v: string | null | undefined) => (v ? v.replace(/\D+/g, '') : '');
const normName = (v: string | null | undefined) => (v ? v.replace(/\s+/g, '') : '');

// --- the content index's ranking, simulated: the set of character bigrams of the normalised
// text (content_grams in the database, sharing/dup-candidates.ts), |A∩B| / |A∪B|
function trgmSet(s: string): Set<string> {
  const chars = [...s];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}
function trgmSimilarity(a: Set<string>, b: Set<string>): number {
  let k = 0;
  for (const t of a) if (b.has(t)) k++;
  return k / (a.size + b.size - k || 1);
}

const cases = readJsonl<CaseLine | { kind: string }>('import.jsonl').filter(
  (x): x is CaseLine => x.kind === 'case',
);
// the import updates on a repeated externalRef: keep the last line of each
const byRef = new Map(cases.map((c) => [c.externalRef, c]));
const terminated = [...byRef.values()].filter((c) => c.termination);
const queries = readJsonl<Query>('queries.jsonl');

const caseText = (c: CaseLine) => `${c.factsAndReasons}\n${c.requests ?? ''}`;
/** IDF over the terminated cases: ln(N / df), words no case has weigh as the rarest */
function corpusIdf(): (word: string) => number {
  const df = new Map<string, number>();
  for (const c of terminated) for (const w of termVector(caseText(c)).keys()) df.set(w, (df.get(w) ?? 0) + 1);
  const n = terminated.length;
  return (w) => Math.log((n + 1) / ((df.get(w) ?? 0) + 0.5));
}
const weight = idfMode === 'corpus' ? corpusIdf() : undefined;
const profileOf = (text: string) => profileContent(text, weight);
const profiles = new Map<string, ContentProfile>(
  terminated.map((c) => [c.externalRef, profileOf(caseText(c))]),
);
const trgm = new Map(terminated.map((c) => [c.externalRef, trgmSet(contentIndexText(caseText(c)))]));

interface Row {
  q: Query;
  verdict: DuplicateVerdict;
  pass: boolean;
  top: string | null;
  target?: DuplicateCandidate;
  bestOther?: DuplicateCandidate;
  retrievedTarget: boolean;
  /** simulated bigram share of the target case and its rank among all terminated cases */
  targetTrgm?: number;
  targetTrgmRank?: number;
}
const rows: Row[] = [];

for (const q of queries) {
  const id = normId(q.input.idNumber);
  const phone = normPhone(q.input.phone);
  const name = normName(q.input.name);
  const identity = new Map<string, DuplicateCandidate['identityBy']>();
  for (const c of terminated) {
    if (id && normId(c.petitioner.idNumber) === id) identity.set(c.externalRef, 'ID_NUMBER');
    else if (name && phone && normName(c.petitioner.name) === name && normPhone(c.petitioner.phone) === phone)
      identity.set(c.externalRef, 'NAME_PHONE');
  }
  const qProfile = profileOf(q.input.content);
  const qTrgm = trgmSet(contentIndexText(q.input.content));
  const rank = (c: CaseLine) =>
    retrieve === 'js'
      ? compareContent(qProfile, { text: profiles.get(c.externalRef)! }).contentSimilarity
      : trgmSimilarity(qTrgm, trgm.get(c.externalRef)!);
  const topByContent = [...terminated]
    .map((c) => ({ c, s: rank(c) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, TOP_K)
    .map((x) => x.c);
  const pool = new Map<string, CaseLine>();
  for (const c of terminated) if (identity.has(c.externalRef)) pool.set(c.externalRef, c);
  for (const c of topByContent) pool.set(c.externalRef, c);

  const candidates: DuplicateCandidate[] = [...pool.values()].map((c) => {
    const identityBy = identity.get(c.externalRef) ?? null;
    return {
      caseId: c.externalRef,
      sameIdentity: identityBy !== null,
      identityBy,
      // an ID number given and different from the case's: name + phone alone is then doubtful
      idNumberConflict:
        identityBy === 'NAME_PHONE' &&
        !!id &&
        !!c.petitioner.idNumber &&
        normId(c.petitioner.idNumber) !== id,
      ...compareContent(qProfile, {
        text: profiles.get(c.externalRef)!,
        acceptedAt: c.acceptedAt,
        processDates: [
          c.handledAt,
          c.reviewedAt,
          c.reReviewedAt,
          c.termination?.approvedAt,
          c.termination?.notifiedAt,
        ],
        terminatedAt: c.termination?.approvedAt,
        decisionNumber: c.termination?.decisionNumber,
      }),
    };
  });
  const result = judge(candidates);
  // diagnostics: the target case compared directly, even if retrieval missed it
  const tc = q.targetExternalRef ? byRef.get(q.targetExternalRef) : undefined;
  const target =
    tc && tc.termination
      ? (candidates.find((c) => c.caseId === tc.externalRef) ?? {
          caseId: tc.externalRef,
          sameIdentity: identity.has(tc.externalRef),
          identityBy: identity.get(tc.externalRef) ?? null,
          ...compareContent(qProfile, {
            text: profiles.get(tc.externalRef)!,
            acceptedAt: tc.acceptedAt,
            terminatedAt: tc.termination.approvedAt,
          }),
        })
      : undefined;
  const bestOther = candidates
    .filter((c) => c.caseId !== q.targetExternalRef)
    .sort((a, b) => b.contentSimilarity - a.contentSimilarity)[0];
  const trgmRanked = [...terminated]
    .map((c) => ({ ref: c.externalRef, s: trgmSimilarity(qTrgm, trgm.get(c.externalRef)!) }))
    .sort((a, b) => b.s - a.s);
  const ti = trgmRanked.findIndex((x) => x.ref === q.targetExternalRef);
  rows.push({
    q,
    targetTrgm: ti >= 0 ? trgmRanked[ti].s : undefined,
    targetTrgmRank: ti >= 0 ? ti + 1 : undefined,
    verdict: result.verdict,
    pass: q.allowedVerdicts.includes(result.verdict),
    top: result.matches[0]?.caseId ?? null,
    target,
    bestOther,
    retrievedTarget: !!q.targetExternalRef && pool.has(q.targetExternalRef),
  });
}

function showFact(f: KeyFact): string {
  const v =
    f.name ??
    (f.room
      ? `${f.room.building ?? ''}-${f.room.unit ?? ''}-${f.room.room}`
      : f.date
        ? `${f.date.y}${f.date.y2 ? '~' + f.date.y2 : ''}.${f.date.m ?? ''}.${f.date.d ?? ''}`
        : f.lo === f.hi
          ? f.lo
          : `${f.lo}~${f.hi}`);
  return `${f.kind}:${v}${f.unit}`;
}

// --- report --------------------------------------------------------------------------------
const LABELS = [
  'DUP_ID',
  'DUP_NAME_PHONE',
  'NEW_MATTER',
  'RELATED_BUT_NEW',
  'OTHER_PERSON_SAME_FACTS',
  'UNRELATED',
];
const NEGATIVE = ['NEW_MATTER', 'RELATED_BUT_NEW', 'OTHER_PERSON_SAME_FACTS', 'UNRELATED'];
const of = (label: string) => rows.filter((r) => r.q.label === label);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
const f2 = (x: number | undefined) => (x === undefined ? '  -  ' : x.toFixed(3));

console.log(
  `dup-eval: ${dir}  (${terminated.length} terminated cases, ${queries.length} queries, retrieval: identity ∪ top ${TOP_K} by ${retrieve === 'js' ? 'contentSimilarity' : 'simulated bigram share'})\n`,
);

const dupId = of('DUP_ID');
const dupIdHits = dupId.filter((r) => r.verdict === 'DUPLICATE').length;
const falseDup = rows.filter((r) => NEGATIVE.includes(r.q.label) && r.verdict === 'DUPLICATE');
console.log(
  `Recall of DUPLICATE on DUP_ID:        ${dupIdHits}/${dupId.length} (${pct(dupIdHits, dupId.length)})`,
);
console.log(
  `False DUPLICATE on negative labels:   ${falseDup.length}${falseDup.length ? '  <-- ' + falseDup.map((r) => r.q.id).join(' ') : ''}`,
);
const unrelated = of('UNRELATED');
console.log(
  `UNRELATED answered NO_MATCH:          ${unrelated.filter((r) => r.verdict === 'NO_MATCH').length}/${unrelated.length}\n`,
);

console.log('label                     n   pass    DUP  POSS   NO   top=target  target retrieved');
for (const l of LABELS) {
  const rs = of(l);
  if (!rs.length) continue;
  const n = (v: DuplicateVerdict) => rs.filter((r) => r.verdict === v).length;
  const isDup = l.startsWith('DUP_');
  const topOk = rs.filter((r) => r.top === r.q.targetExternalRef).length;
  const retrieved = rs.filter((r) => r.retrievedTarget).length;
  console.log(
    `${l.padEnd(24)} ${String(rs.length).padStart(3)}  ${pct(rs.filter((r) => r.pass).length, rs.length).padStart(6)}  ${String(n('DUPLICATE')).padStart(4)}  ${String(n('POSSIBLE_DUPLICATE')).padStart(4)}  ${String(n('NO_MATCH')).padStart(4)}   ${isDup ? `${topOk}/${rs.length}`.padStart(9) : '        -'}  ${l === 'UNRELATED' ? '-' : `${retrieved}/${rs.length}`}`,
  );
}

// distributions: similarity to the target case (the matched or the confusable one)
const quant = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
};
console.log(
  '\ncontentSimilarity to targetExternalRef (UNRELATED: best candidate)   min    p10    med    p90    max   | text Dice med | rows with newerDates>0 | newFacts>1',
);
const dist: Record<string, number[]> = {};
for (const l of LABELS) {
  const rs = of(l);
  if (!rs.length) continue;
  const cs = rs
    .map((r) => (l === 'UNRELATED' ? r.bestOther : r.target))
    .filter((c): c is DuplicateCandidate => !!c);
  const xs = cs.map((c) => c.contentSimilarity);
  dist[l] = xs;
  console.log(
    `  ${l.padEnd(68)} ${[0, 0.1, 0.5, 0.9, 1].map((p) => f2(quant(xs, p))).join('  ')}   |     ${f2(
      quant(
        cs.map((c) => c.textSimilarity),
        0.5,
      ),
    )}     |  ${cs.filter((c) => c.newerDates > 0).length}/${cs.length}  | ${cs.filter((c) => c.newFacts > 1).length}/${cs.length}`,
  );
}
const otherBest = rows
  .filter((r) => r.q.label.startsWith('DUP_'))
  .map((r) => r.bestOther?.contentSimilarity ?? 0);
console.log(
  `  ${'DUP_* : best NON-target candidate'.padEnd(68)} ${[0, 0.1, 0.5, 0.9, 1].map((p) => f2(quant(otherBest, p))).join('  ')}`,
);
console.log(
  '\nFor the DB layer: simulated bigram share (content index ranking) of the target case (min / median / max, worst rank among terminated cases)',
);
for (const l of LABELS.filter((x) => x !== 'UNRELATED')) {
  const rs = of(l).filter((r) => r.targetTrgm !== undefined);
  if (!rs.length) continue;
  const xs = rs.map((r) => r.targetTrgm!);
  console.log(
    `  ${l.padEnd(24)} ${f2(Math.min(...xs))} / ${f2(quant(xs, 0.5))} / ${f2(Math.max(...xs))}   worst rank ${Math.max(...rs.map((r) => r.targetTrgmRank!))}`,
  );
}
const unrelTop = unrelated.map((r) =>
  Math.max(
    0,
    ...terminated.map((c) =>
      trgmSimilarity(trgmSet(contentIndexText(r.q.input.content)), trgm.get(c.externalRef)!),
    ),
  ),
);
if (unrelTop.length)
  console.log(
    `  ${'UNRELATED (best case)'.padEnd(24)} ${f2(Math.min(...unrelTop))} / ${f2(quant(unrelTop, 0.5))} / ${f2(Math.max(...unrelTop))}`,
  );

if (dist.DUP_ID && dist.RELATED_BUT_NEW)
  console.log(
    `\nMargin on content alone: min DUP_ID ${f2(Math.min(...dist.DUP_ID))} vs max RELATED_BUT_NEW ${f2(Math.max(...dist.RELATED_BUT_NEW))} (gap ${f2(Math.min(...dist.DUP_ID) - Math.max(...dist.RELATED_BUT_NEW))}); ` +
      `RELATED_BUT_NEW stopped by content alone (no date rule): ${of('RELATED_BUT_NEW').filter((r) => r.target && duplicateBlockers({ ...r.target, newerDates: 0 }).length > 0).length}/${of('RELATED_BUT_NEW').length}`,
  );

// each gate of the DUPLICATE rule: where DUP_ID sits, and how many same-person negatives it stops
const gates: Array<[string, (c: DuplicateCandidate) => number, string]> = [
  ['contentSimilarity', (c) => c.contentSimilarity, 'min'],
  ['textSimilarity', (c) => c.textSimilarity, 'min'],
  ['sharedFacts', (c) => c.sharedFacts, 'min'],
  ['newFacts', (c) => c.newFacts, 'max'],
  ['newExactFacts', (c) => c.newExactFacts, 'max'],
  ['fact coverage', (c) => (c.factsInNew ? c.sharedFacts / c.factsInNew : 1), 'min'],
  ['newerDates', (c) => c.newerDates, 'max'],
  ['afterReference', (c) => c.afterReferenceCoverage ?? 1, 'min'],
];
const dupTargets = dupId.map((r) => r.target).filter((c): c is DuplicateCandidate => !!c);
console.log(
  '\nGates of the DUPLICATE rule: worst DUP_ID value | same-person negatives (NEW_MATTER + RELATED_BUT_NEW) each gate stops alone',
);
const samePersonNeg = rows
  .filter((r) => ['NEW_MATTER', 'RELATED_BUT_NEW'].includes(r.q.label) && r.target)
  .map((r) => r.target!);
const gateReason: Record<string, string> = {
  contentSimilarity: 'content similarity',
  textSimilarity: 'wording',
  sharedFacts: 'few shared facts',
  newFacts: 'new facts',
  newExactFacts: 'new exact facts',
  'fact coverage': 'fact coverage',
  newerDates: 'dates after the case was filed',
  afterReference: 'new content after a reference to the earlier petition',
};
for (const [name, get, worst] of gates) {
  const xs = dupTargets.map(get);
  const w = worst === 'min' ? Math.min(...xs) : Math.max(...xs);
  const stops = samePersonNeg.filter((c) => duplicateBlockers(c).includes(gateReason[name])).length;
  console.log(`  ${name.padEnd(18)} DUP_ID ${worst} ${f2(w)}   stops ${stops}/${samePersonNeg.length}`);
}
const rbn = of('RELATED_BUT_NEW').filter((r) => r.target);
console.log(
  `  RELATED_BUT_NEW: blockers per row (besides identity) min ${Math.min(...rbn.map((r) => duplicateBlockers(r.target!).length))}, median ${quant(
    rbn.map((r) => duplicateBlockers(r.target!).length),
    0.5,
  )}`,
);

const shown = rows.filter(
  (r) => verbose || !r.pass || (r.q.label.startsWith('DUP_') && r.top !== r.q.targetExternalRef),
);
if (shown.length) {
  console.log(`\n${verbose ? 'All queries' : 'Failures and DUP queries whose top match is not the target'}:`);
  for (const r of shown) {
    const t = r.target;
    console.log(
      `  ${r.q.id} ${r.q.label.padEnd(24)} ${r.verdict.padEnd(18)} ${r.pass ? 'ok  ' : 'FAIL'} top=${r.top ?? '-'} target=${r.q.targetExternalRef ?? '-'}` +
        (t
          ? ` sim=${f2(t.contentSimilarity)} text=${f2(t.textSimilarity)} facts=${t.sharedFacts}/${t.factsInNew} newer=${t.newerDates} id=${t.identityBy ?? '-'} ev=${t.sharedEventFacts} why=${duplicateBlockers(t).join(', ') || 'DUPLICATE'}` +
            (verbose || !r.pass
              ? ` new=${[...t.facts.conflict.map((f) => `!${showFact(f)}`), ...t.facts.extra.map(showFact)].join(' ')}`
              : '')
          : ''),
    );
  }
}
// time per check, as the service spends it: the query's profile, then each of 21 candidates'
// profile and the comparison. Cold: every candidate profiled from its text; warm: the candidates'
// profiles already in the process's cache (caseProfile), as for cases compared before.
// 5 rounds each, interleaved; median, min and max per check.
{
  const pool = terminated.slice(0, 21);
  const cold: number[] = [];
  const warm: number[] = [];
  const perCheck = (f: () => void) => {
    const t0 = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - t0) / 1e6 / queries.length;
  };
  for (let round = 0; round < 5; round++) {
    cold.push(
      perCheck(() => {
        for (const q of queries) {
          const p = profileContent(q.input.content);
          for (const c of pool)
            compareContent(p, {
              text: profileContent(caseText(c), undefined, false),
              acceptedAt: c.acceptedAt,
            });
        }
      }),
    );
    warm.push(
      perCheck(() => {
        for (const q of queries) {
          const p = profileContent(q.input.content);
          for (const c of pool)
            compareContent(p, { text: caseProfile(caseText(c)), acceptedAt: c.acceptedAt });
        }
      }),
    );
  }
  const show = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[2].toFixed(2)} ms (min ${s[0].toFixed(2)}, max ${s[4].toFixed(2)})`;
  };
  console.log(`\nMethod time per check (query + 21 candidates), cold ${show(cold)}; warm ${show(warm)}`);
}

const ok =
  dupIdHits >= Math.ceil(0.95 * dupId.length) &&
  falseDup.length === 0 &&
  unrelated.every((r) => r.verdict === 'NO_MATCH');
console.log(
  `\n${ok ? 'TARGETS MET' : 'TARGETS NOT MET'} (DUP_ID recall >= 95%, 0 false DUPLICATE, all UNRELATED NO_MATCH)`,
);
process.exitCode = ok ? 0 : 1;
