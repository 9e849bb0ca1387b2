/**
 * Benchmarks the information-sharing platform (SharingService) on a scratch database.
 *
 *   node -r @swc-node/register scripts/bench-sharing.ts [N=100000] [--server URL] [--keep] [--db NAME]
 *        [--budget SECONDS=900]
 *
 * --server is a PostgreSQL URL with the right to create databases (default
 * postgres://postgres@127.0.0.1:5432/postgres, or BENCH_SERVER_URL). The script creates
 * `sharing_bench_<pid>` (or `--db NAME`; an existing, populated NAME is reused as it is, so a
 * 1M-case database is imported once), migrates it, generates N synthetic cases with
 * scripts/gen-import.ts and imports them with importData (in chunks of 200 000 cases, each
 * one transaction), runs ANALYZE, then prints:
 *   1. checkDuplicate through SharingService, in-process, 200 calls of each kind:
 *      (a) ID number of a terminated case's petitioner + that case's facts lightly altered,
 *      (b) ID number of an existing petitioner + an unrelated matter,
 *      (c) no identity + the content of an existing terminated case,
 *      (d) no identity + random Chinese characters,
 *      (e) no identity + a terminated case's facts lightly altered (another person retelling);
 *      p50/p95/max latency, SQL statements per call (counted through the ORM query logger),
 *      the time and number of the content look-ups, the verdicts, and for (c) and (e) whether the
 *      case whose content was sent came back among the matches (recall of the bounded content
 *      search). The calls run interleaved (a b c d e a b c d e …); when they take longer than --budget seconds in all, fewer than 200
 *      per kind are made and the script says so (at 1M cases one call can take a minute).
 *   2. EXPLAIN (ANALYZE, BUFFERS) of the candidate look-up exactly as SharingService issues it
 *      (dup-candidates.ts: the rare bigrams through the b-tree of dup_gram_posting).
 *   3. The development set (test/fixtures/dup-dev, or --dev DIR) imported into the same database
 *      and its 120 queries asked: the verdicts per label among N other cases.
 *   4. terminatedCases first page (20 and 100) without a filter, with a text, category and unit
 *      subtree filter: page time and count(*) time separately, and the plans of the text filter.
 * A benchmark: it prints numbers and asserts nothing. The database is dropped at the end unless
 * --keep or --db is given.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../src/db/orm';
import { createServices } from '../src/services';
import type { Deps } from '../src/shared/deps';
import type { Actor } from '../src/auth/actor';
import type { UnitKind } from '../src/modules/org/unit.entity';
import { importData, validateImportFile } from '../src/modules/import/import.service';
import { PETITIONER_AAD } from '../src/modules/petitioner/sealing';
import { contentOnlyLookUpQuery } from '../src/modules/sharing/dup-candidates';
import type { TerminatedCaseFilter } from '../src/modules/sharing/sharing.service';
import { Category } from '../src/modules/case/case.enums';
import { generateImportFile } from './gen-import';
import { arrayLiteral } from '../src/shared/sql';
import { arg } from './args';
import * as benchDb from './bench-db';
import { prng } from './prng';

// ---------------------------------------------------------------------------------------------
// arguments
// ---------------------------------------------------------------------------------------------

const CALLS_PER_KIND = 200;
const IMPORT_CHUNK = 200_000;

// ---------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------

const rng = prng(20261128);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const stats = (xs: number[]) =>
  `p50 ${f1(pct(xs, 50)).padStart(7)}  p95 ${f1(pct(xs, 95)).padStart(7)}  max ${f1(Math.max(...xs)).padStart(7)} ms`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

// ---------------------------------------------------------------------------------------------
// query counting through the ORM logger
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
let captured: string[] | null = null;
function queryLogger(msg: string) {
  if (!captured) return;
  const m = msg.replace(ANSI, '');
  if (m.startsWith('[query] ')) captured.push(m.slice(8));
}
async function counting<T>(f: () => Promise<T>): Promise<{ result: T; ms: number; queries: string[] }> {
  const queries: string[] = [];
  captured = queries;
  const t0 = process.hrtime.bigint();
  try {
    const result = await f();
    return { result, ms: ms(t0), queries };
  } finally {
    captured = null;
  }
}
/** Sum of "took N ms" of the logged statements that contain `needle` (ORM timing, 1 ms grain). */
function took(queries: string[], needle: string): { ms: number; n: number } {
  const qs = queries.filter((x) => x.includes(needle));
  const ms = qs.reduce((t, q) => t + Number(/ \[took (\d+) ms/.exec(q)?.[1] ?? NaN), 0);
  return { ms: qs.length ? ms : NaN, n: qs.length };
}

// ---------------------------------------------------------------------------------------------
// database preparation
// ---------------------------------------------------------------------------------------------

export async function populate(url: string, deps: Deps, n: number) {
  const file = path.join(os.tmpdir(), `sharing-bench-${process.pid}-${n}.jsonl`);
  let t0 = process.hrtime.bigint();
  const g = await generateImportFile(n, file);
  console.log(
    `generated ${g.cases} cases (${g.terminated} terminated) in ${(ms(t0) / 1000).toFixed(1)} s: ` +
      `${(fs.statSync(file).size / 1048576).toFixed(0)} MB`,
  );
  const orm = await initOrm(url);
  try {
    const actor = { userId: 'system:bench', name: '历史数据导入', role: 'ADMIN', unitCode: 'SYSTEM' };
    const units: string[] = [];
    let chunk: string[] = [];
    let imported = 0;
    t0 = process.hrtime.bigint();
    const flush = async () => {
      if (!chunk.length) return;
      const parsed = await validateImportFile([...units, ...chunk], { em: orm.em.fork() });
      if (parsed.errors.length) throw new Error(`generated file has ${parsed.errors.length} bad lines`);
      await importData(orm.em.fork(), deps, actor, parsed, undefined, { fileName: path.basename(file) });
      imported += chunk.length;
      chunk = [];
      console.log(`  imported ${imported}/${n} cases, ${(ms(t0) / 1000).toFixed(0)} s`);
    };
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      if (line.startsWith('{"kind":"unit"')) units.push(line);
      else {
        chunk.push(line);
        if (chunk.length >= IMPORT_CHUNK) await flush();
      }
    }
    await flush();
    console.log(`import: ${(ms(t0) / 1000).toFixed(1)} s`);
  } finally {
    await orm.close();
    fs.rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// inputs for checkDuplicate
// ---------------------------------------------------------------------------------------------

interface Sample {
  caseId: number;
  petitionerId: number;
  idNumberEnc: string;
  facts: string;
  requests: string;
}

/** Light rewording that keeps every date, amount and identifier: a retelling of the same matter. */
export function alter(facts: string): string {
  return facts
    .replace(/本人/g, '我')
    .replace('反映', '反应')
    .replace('，对方答复称已按规定处理', '，对方说已经处理')
    .replace('本我认为', '我认为')
    .replace(/。$/, '，请领导重视。');
}

const OTHER_MATTERS = [
  '小区物业擅自提高停车收费标准，业主委员会多次协商无果',
  '村里自来水管网老化，夏季经常停水，村委会一直没有维修',
  '孩子入学时学校要求提供额外证明材料，拒绝办理入学手续',
  '邻居在楼顶违章搭建阳光房，遮挡我家采光并造成漏水',
  '快递网点丢失包裹后拒绝按保价金额赔偿',
  '社区卫生服务中心常用药品长期短缺，老人取药困难',
  '公交线路调整后我们小区附近没有站点，出行极不方便',
  '村集体经济组织分红时把出嫁女排除在外',
  '残疾人两项补贴申请材料交齐后半年没有下文',
  '菜市场改造后摊位费大幅上涨，原有摊主被迫退出',
  '河道采砂导致堤岸坍塌，农田被淹',
  '驾校收取培训费后迟迟不安排考试，也不退费',
];
const OTHER_REQUESTS = [
  '请求有关部门调查处理',
  '希望尽快解决',
  '要求依法纠正并给予答复',
  '请求责令相关单位整改',
];
function unrelatedMatter(): string {
  const a = rng.pick(OTHER_MATTERS);
  let b = rng.pick(OTHER_MATTERS);
  if (b === a) b = OTHER_MATTERS[(OTHER_MATTERS.indexOf(a) + 1) % OTHER_MATTERS.length];
  return (
    `${rng.int(2019, 2025)}年${rng.int(1, 12)}月以来，${a}。` +
    `此外${b}，前后拨打热线${rng.int(2, 15)}次。${rng.pick(OTHER_REQUESTS)}。`
  );
}
const COMMON =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
function randomChinese(): string {
  const len = rng.int(60, 200);
  let s = '';
  for (let i = 0; i < len; i++) s += COMMON[rng.int(0, COMMON.length - 1)];
  return s;
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

async function main() {
  const budgetS = Number(arg('--budget') ?? 900);
  const devDir = path.resolve(arg('--dev') ?? path.join(__dirname, '../test/fixtures/dup-dev'));
  const { n, server, db, dropIfCreated, valid } = benchDb.benchDatabaseArgs('sharing_bench');
  if (!valid || !(budgetS > 0)) {
    console.error(
      'usage: node -r @swc-node/register scripts/bench-sharing.ts [N=100000] [--server URL] [--keep] [--db NAME] [--budget SECONDS]',
    );
    process.exit(2);
  }
  const dbUrl = benchDb.databaseUrl(server, db);
  const deps = benchDb.benchDeps(dbUrl, benchDb.MANY_DUPLICATE_CHECKS);
  const bench = await benchDb.openBenchDatabase(server, db);
  const dropAtEnd = !bench.existed && dropIfCreated;
  let orm: MikroORM | undefined;
  try {
    await benchDb.migrateAndPopulate(bench, () => populate(dbUrl, deps, n));

    orm = await initOrm(dbUrl, { debug: ['query'], logger: queryLogger, colors: false });
    const em0 = orm.em.fork();
    const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => em0.execute<T[]>(q, p);

    let t0 = process.hrtime.bigint();
    await sql('analyze');
    console.log(`analyze: ${(ms(t0) / 1000).toFixed(1)} s`);
    const [counts] = await sql<Record<string, string>>(
      `select (select count(*) from petition_case) as cases,
              (select count(*) from petition_case where status = 'TERMINATED') as terminated,
              (select count(*) from petitioner) as petitioners,
              (select count(*) from case_step) as steps,
              pg_size_pretty(pg_database_size(current_database())) as db_size,
              pg_size_pretty(pg_relation_size('petition_case')) as case_heap,
              pg_size_pretty(pg_total_relation_size('dup_gram_posting')) as dup_postings,
              (select round(avg(cardinality(dup_grams))) from petition_case where status = 'TERMINATED') as dup_grams_avg,
              pg_size_pretty(pg_relation_size('petition_case_search_text_trgm')) as text_gin,
              (select round(avg(length(dup_text))) from petition_case where status = 'TERMINATED') as dup_text_avg_chars,
              current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem,
              (select coalesce(last_vacuum, last_autovacuum)::text from pg_stat_user_tables
                where relname = 'petition_case') as last_vacuum`,
    );
    console.log('data:', JSON.stringify(counts));

    // ---- actor -----------------------------------------------------------------------------
    const [u] = await sql<{ id: number; code: string; kind: UnitKind; path: string }>(
      `select id, code, kind, path::text as path from unit where code = 'GEN-C01-D1'`,
    );
    if (!u) throw new Error('unit GEN-C01-D1 not found: not a database made by this script');
    const actor: Actor = {
      userId: 'bench:staff',
      name: '基准测试',
      role: 'DEPARTMENT_STAFF',
      unitId: u.id,
      unitCode: u.code,
      unitKind: u.kind,
      unitPath: u.path,
    };

    // ---- samples ---------------------------------------------------------------------------
    const [{ max_id }] = await sql<{ max_id: number }>(`select max(id)::int as max_id from petition_case`);
    const samples: Sample[] = [];
    const seen = new Set<number>();
    while (samples.length < 3 * CALLS_PER_KIND + 20) {
      const ids = Array.from({ length: 200 }, () => rng.int(1, max_id)).filter((i) => !seen.has(i));
      const rows = await sql<{
        id: number;
        petitioner_id: number;
        id_number_enc: string;
        facts_and_reasons: string;
        requests: string;
      }>(
        `select c.id, c.petitioner_id, c.petitioner_id_number_enc as id_number_enc, c.facts_and_reasons, c.requests
           from petition_case c
          where c.status = 'TERMINATED' and c.id = any(?::int[]) order by c.id`,
        [arrayLiteral(ids)],
      );
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        samples.push({
          caseId: r.id,
          petitionerId: r.petitioner_id,
          idNumberEnc: r.id_number_enc,
          facts: r.facts_and_reasons,
          requests: r.requests,
        });
      }
    }
    const idOf = (s: Sample) => deps.cipher.decrypt(s.idNumberEnc, PETITIONER_AAD.idNumber);
    type Input = { idNumber?: string; content: string; target?: number };
    const kinds: Record<'a' | 'b' | 'c' | 'd' | 'e', { label: string; inputs: Input[] }> = {
      a: { label: '(a) same ID + altered facts of a terminated case', inputs: [] },
      b: { label: '(b) same ID + unrelated matter', inputs: [] },
      c: { label: '(c) no identity + content of a terminated case', inputs: [] },
      d: { label: '(d) no identity + random Chinese text', inputs: [] },
      e: { label: '(e) no identity + altered facts of a terminated case', inputs: [] },
    };
    for (let i = 0; i < CALLS_PER_KIND; i++) {
      const s = samples[i];
      const t = samples[CALLS_PER_KIND + i];
      kinds.a.inputs.push({ idNumber: idOf(s), content: `${alter(s.facts)}${s.requests}` });
      kinds.b.inputs.push({ idNumber: idOf(t), content: unrelatedMatter() });
      kinds.c.inputs.push({ content: `${t.facts}${t.requests}`, target: t.caseId });
      kinds.d.inputs.push({ content: randomChinese() });
      const u = samples[2 * CALLS_PER_KIND + i];
      kinds.e.inputs.push({ content: `${alter(u.facts)}${u.requests}`, target: u.caseId });
    }

    // ---- 1. checkDuplicate -------------------------------------------------------------------
    console.log(`\n== 1. checkDuplicate, in-process, ${CALLS_PER_KIND} calls per kind (interleaved) ==`);
    const check = (input: Input, by: Actor = actor) =>
      counting(() => createServices(orm!.em.fork(), deps).sharing.checkDuplicate(by, input));
    const warm: number[] = [];
    for (const k of ['a', 'b', 'c', 'd', 'e'] as const) {
      const r = await check(kinds[k].inputs[CALLS_PER_KIND - 1]);
      warm.push(r.ms);
    }
    console.log(`warm-up (first call of each kind): ${warm.map(f1).join(', ')} ms`);
    const res: Record<
      string,
      {
        ms: number[];
        nq: number[];
        cand: number[];
        rounds: number[];
        verdicts: Map<string, number>;
        matches: number[];
        found: number;
      }
    > = {};
    let example: string[] | null = null;
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS_PER_KIND; i++) {
      if (ms(started) > budgetS * 1000) {
        console.log(`time budget of ${budgetS} s reached: ${i} calls per kind instead of ${CALLS_PER_KIND}`);
        break;
      }
      for (const k of ['a', 'b', 'c', 'd', 'e'] as const) {
        const r = await check(kinds[k].inputs[i]);
        const x = (res[k] ??= {
          ms: [],
          nq: [],
          cand: [],
          rounds: [],
          verdicts: new Map(),
          matches: [],
          found: 0,
        });
        x.ms.push(r.ms);
        x.nq.push(r.queries.length);
        const look = took(r.queries, 'dup_gram_posting');
        x.cand.push(look.ms);
        x.rounds.push(look.n);
        const target = kinds[k].inputs[i].target;
        if (target && r.result.matches.some((m) => m.case.id === target)) x.found++;
        x.verdicts.set(r.result.verdict, (x.verdicts.get(r.result.verdict) ?? 0) + 1);
        x.matches.push(r.result.matches.length);
        if (k === 'a' && !example) example = r.queries;
      }
    }
    for (const k of ['a', 'b', 'c', 'd', 'e'] as const) {
      const x = res[k];
      const nq = [...new Set(x.nq)].sort((p, q) => p - q).join('/');
      console.log(`${kinds[k].label}`);
      console.log(`    call            ${stats(x.ms)}   mean ${f1(mean(x.ms))} ms`);
      console.log(
        `    content look-ups ${stats(x.cand)}   (ORM "took", 1 ms grain, all rounds); ` +
          `rounds per call ${[0, 1, 2, 3].map((k) => `${k}: ${x.rounds.filter((n) => n === k).length}`).join(', ')}`,
      );
      console.log(
        `    SQL statements per call: ${nq}; matches shown avg ${f1(mean(x.matches))}; verdicts ` +
          [...x.verdicts].map(([v, c]) => `${v} ${c}`).join(', ') +
          (k === 'c' || k === 'e' ? `; the source case among the matches in ${x.found}/${x.ms.length}` : ''),
      );
    }
    console.log('statements of one call of kind (a):');
    for (const q of example ?? [])
      console.log(`    ${q.length > 150 ? `${q.slice(0, 110)} … ${q.slice(-36)}` : q}`);

    // ---- 2. EXPLAIN of the content-candidate query ------------------------------------------
    console.log(
      '\n== 2. EXPLAIN (ANALYZE, BUFFERS) of the first content look-up, as SharingService issues it ==',
    );
    const explainCandidates = async (label: string, content: string) => {
      const em = orm!.em.fork();
      const q = contentOnlyLookUpQuery(
        em,
        content,
        deps.config.duplicateCheckQuota.maxOwnCases,
        'bench:explain',
      );
      const plan = await em.execute<{ 'QUERY PLAN': string }[]>(
        `explain (analyze, buffers) ${q.sql}`,
        q.params,
      );
      const lines = plan.map((r) => r['QUERY PLAN']);
      const num = (re: RegExp) => {
        const l = lines.find((x) => re.test(x));
        return l ? re.exec(l)![1] : '-';
      };
      console.log(
        `-- ${label}: posting b-tree used: ${lines.some((l) => /dup_gram_posting_pkey/.test(l)) ? 'yes' : 'NO'}; ` +
          `seq scan: ${lines.some((l) => /Seq Scan on (petition_case|dup_gram_posting)/.test(l)) ? 'YES' : 'no'}; ` +
          `execution: ${num(/Execution Time: ([\d.]+ ms)/)}`,
      );
      for (const l of lines) console.log(`   | ${l}`);
    };
    await explainCandidates('kind (a): altered facts of a terminated case', kinds.a.inputs[0].content);
    await explainCandidates('kind (c): content of a terminated case', kinds.c.inputs[0].content);
    await explainCandidates('kind (d): random text', kinds.d.inputs[0].content);

    // ---- 3. the development set among N cases ---------------------------------------------------
    if (fs.existsSync(path.join(devDir, 'queries.jsonl'))) {
      console.log(`\n== 3. the development set (${devDir}) among the other cases ==`);
      const parsed = await validateImportFile(path.join(devDir, 'import.jsonl'), { em: orm.em.fork() });
      if (parsed.errors.length) throw new Error(`dev set: ${parsed.errors.length} bad lines`);
      const importer = { userId: 'system:bench', name: '历史数据导入', role: 'ADMIN', unitCode: 'SYSTEM' };
      await importData(orm.em.fork(), deps, importer, parsed);
      const [rs] = await sql<{ id: number; code: string; kind: UnitKind; path: string }>(
        `select id, code, kind, path::text as path from unit where code = 'ZJ-HZ-RS'`,
      );
      const staff: Actor = {
        ...actor,
        unitId: rs.id,
        unitCode: rs.code,
        unitKind: rs.kind,
        unitPath: rs.path,
      };
      const queries = fs
        .readFileSync(path.join(devDir, 'queries.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map(
          (l) =>
            JSON.parse(l) as {
              label: string;
              input: Input;
              targetExternalRef: string | null;
              allowedVerdicts: string[];
            },
        );
      const rows = new Map<
        string,
        { n: number; pass: number; top: number; v: Map<string, number>; ms: number[] }
      >();
      for (const q of queries) {
        const r = await check(q.input, staff);
        const x = rows.get(q.label) ?? {
          n: 0,
          pass: 0,
          top: 0,
          v: new Map<string, number>(),
          ms: [] as number[],
        };
        rows.set(q.label, x);
        x.n++;
        x.ms.push(r.ms);
        if (q.allowedVerdicts.includes(r.result.verdict)) x.pass++;
        if (r.result.matches[0]?.case.externalRef === q.targetExternalRef) x.top++;
        x.v.set(r.result.verdict, (x.v.get(r.result.verdict) ?? 0) + 1);
      }
      for (const [label, x] of rows) {
        console.log(
          `${label.padEnd(24)} n=${String(x.n).padStart(2)} allowed verdict ${x.pass}/${x.n}; ` +
            ['DUPLICATE', 'POSSIBLE_DUPLICATE', 'NO_MATCH'].map((v) => `${v} ${x.v.get(v) ?? 0}`).join(', ') +
            `; target on top ${x.top}; call p50 ${f1(pct(x.ms, 50))} max ${f1(Math.max(...x.ms))} ms`,
        );
      }
    } else console.log(`\n== 3. skipped: no development set at ${devDir} ==`);

    // ---- 4. terminatedCases -------------------------------------------------------------------
    console.log(
      '\n== 4. terminatedCases: first page and count(*) separately (10 runs each after 1 warm-up) ==',
    );
    const filters: [string, TerminatedCaseFilter][] = [
      ['no filter', {}],
      ["text '补偿'", { text: '补偿' }],
      ["text '征收补偿'", { text: '征收补偿' }],
      ['category URBAN_CONSTRUCTION_HOUSING', { category: Category.URBAN_CONSTRUCTION_HOUSING }],
      ['unit subtree GEN-C01', { unitCode: 'GEN-C01' }],
      ['unit GEN-C01-D1 only', { unitCode: 'GEN-C01-D1', includeSubunits: false }],
      ["unit subtree GEN-C01 + text '补偿'", { unitCode: 'GEN-C01', text: '补偿' }],
    ];
    for (const [label, filter] of filters) {
      for (const first of [20, 100]) {
        const pageMs: number[] = [];
        const countMs: number[] = [];
        let total = 0;
        for (let i = 0; i <= 10; i++) {
          const sharing = createServices(orm.em.fork(), deps).sharing;
          t0 = process.hrtime.bigint();
          const page = await sharing.terminatedCases(actor, filter, first);
          const p = ms(t0);
          t0 = process.hrtime.bigint();
          total = await page.count();
          const c = ms(t0);
          if (i > 0) {
            pageMs.push(p);
            countMs.push(c);
          }
        }
        console.log(
          `${`${label}, first ${first}`.padEnd(46)} page p50 ${f1(pct(pageMs, 50)).padStart(7)} max ${f1(Math.max(...pageMs)).padStart(7)} ms` +
            ` | count p50 ${f1(pct(countMs, 50)).padStart(7)} max ${f1(Math.max(...countMs)).padStart(7)} ms (${total})`,
        );
      }
    }
    // The plans of the text filter: the statements of SharingService.terminatedCases in their shape
    // (with c.* for the mapped columns and no cursor), written out here to be EXPLAINed.
    const textWhere = `c.status = 'TERMINATED' and c.search_text ilike ?`;
    for (const [label, q, p] of [
      [
        "page, text '补偿', first 100: the newest 5000 terminated cases read in order",
        `select * from (select c.* from petition_case c where c.status = 'TERMINATED'
           order by c.terminated_at desc, c.id desc limit 5000) c
          where c.search_text ilike ? order by c.terminated_at desc, c.id desc limit ?`,
        ['%补偿%', 101],
      ],
      [
        "page, text '补偿', first 100: through the trigram index (when the above does not fill the page)",
        `select c.* from petition_case c where ${textWhere} order by c.terminated_at desc, c.id desc limit ?`,
        ['%补偿%', 101],
      ],
      ["count, text '补偿'", `select count(*)::int as n from petition_case c where ${textWhere}`, ['%补偿%']],
      [
        "count, text '征收补偿'",
        `select count(*)::int as n from petition_case c where ${textWhere}`,
        ['%征收补偿%'],
      ],
      [
        'count, unit subtree GEN-C01',
        `select count(*)::int as n from petition_case c where c.status = 'TERMINATED'
           and c.handling_unit_id in (select id from unit where path <@ ?::ltree)`,
        [(await sql<{ path: string }>(`select path::text as path from unit where code = 'GEN-C01'`))[0].path],
      ],
      [
        'count, no filter',
        `select count(*)::int as n from petition_case c where c.status = 'TERMINATED'`,
        [],
      ],
    ] as [string, string, unknown[]][]) {
      const plan = await sql<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${q}`, p);
      console.log(`-- plan: ${label}`);
      for (const r of plan) console.log(`   | ${r['QUERY PLAN']}`);
    }
    console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await orm?.close();
    await benchDb.closeBenchDatabase(bench, dropAtEnd);
  }
}

// scripts/bench-dup.ts imports the generator and the import from here
if (require.main === module)
  main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message).slice(0, 3000) : e);
    process.exit(1);
  });
