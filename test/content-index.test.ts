import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { generateImportFile } from '../scripts/gen-import';
import { importFile } from './helpers/fixtures';
import { contentIndexText } from '../src/modules/sharing/duplicate-method';
import { contentOnlyLookUpQuery } from '../src/modules/sharing/dup-candidates';
import { PETITIONER_AAD } from '../src/modules/petitioner/sealing';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';

/**
 * The duplicate check's content index on a few thousand generated cases (templated text, so most
 * bigrams are common): the bigrams are integers made by the database; the counts of terminated
 * cases per bigram and the postings of the rare bigrams are exact, filled by the import and by the
 * termination notice (the table's triggers, in the writing transaction); the look-up goes through
 * the postings' b-tree; a case's own content still finds it; and the answer is the same for one
 * user and for twenty at once.
 */
let t: TestHub;
const N = 3000;

beforeAll(async () => {
  t = await startTestHub();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'content-index-')), 'cases.jsonl');
  await generateImportFile(N, file);
  await importFile(t, file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}, 120_000);
afterAll(() => t.close());

async function someTerminatedCase(offset = 17) {
  const [c] = await t.sql<{ id: number; text: string }>(
    `select id, facts_and_reasons || requests as text from petition_case
      where status = 'TERMINATED' order by id limit 1 offset $1`,
    [offset],
  );
  return c;
}

/**
 * The index against the cases themselves: counts that differ from the terminated cases holding
 * each bigram, postings missing for a rare bigram, postings of a bigram the case does not hold.
 */
/** The look-up statement for a terminated case's own text, with no identity and no allowance spent. */
async function lookUpOfSomeCase() {
  const c = await someTerminatedCase();
  const em = t.orm.em.fork();
  return { em, q: contentOnlyLookUpQuery(em, c.text, 200, 'test:explain') };
}

async function indexErrors() {
  const [r] = await t.sql<{ counts: number; missing: number; stray: number; rare: number }>(
    `with held as (select g, c.id from petition_case c, unnest(c.dup_grams) g where c.status = 'TERMINATED'),
          df as (select g, count(*)::int as n from held group by g)
     select (select count(*)::int from df full join dup_gram_df d on d.gram = df.g where d.cases is distinct from df.n) as counts,
            (select count(*)::int from (select held.g, held.id from held join dup_gram_df d on d.gram = held.g
                                         where d.cases <= dup_rare_cases()
                                        except select gram, case_id from dup_gram_posting) x) as missing,
            (select count(*)::int from (select gram, case_id from dup_gram_posting except select g, id from held) x) as stray,
            (select count(*)::int from dup_gram_df where cases <= dup_rare_cases()) as rare`,
  );
  return r;
}

const CHECK = `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) {
  verdict complete incompleteReason matches { sameIdentity contentSimilarity score case { id } } } }`;

describe('content index of terminated cases', () => {
  it('stores a bigram as one integer, exact within the Basic Multilingual Plane: (first code point − 32768) × 65536 + second', async () => {
    const code = (a: string, b: string) => (a.codePointAt(0)! - 32768) * 65536 + b.codePointAt(0)!;
    const [{ grams }] = await t.sql<{ grams: number[] }>(`select content_grams('拆迁补偿拆迁') as grams`);
    expect(grams).toEqual(
      [code('拆', '迁'), code('迁', '补'), code('补', '偿'), code('偿', '拆')].sort((x, y) => x - y),
    );
    const [{ empty }] = await t.sql<{ empty: number }>(
      `select count(*)::int as empty from petition_case where status = 'TERMINATED' and cardinality(dup_grams) = 0`,
    );
    expect(empty).toBe(0);
  });

  it('the import counted every bigram of the terminated cases and posted every rare one, and analysed what it wrote', async () => {
    expect(await indexErrors()).toEqual({ counts: 0, missing: 0, stray: 0, rare: expect.any(Number) });
    expect((await indexErrors()).rare).toBeGreaterThan(100);
    const [{ open }] = await t.sql<{ open: number }>(
      `select count(*)::int as open from dup_gram_posting p join petition_case c on c.id = p.case_id
        where c.status <> 'TERMINATED'`,
    );
    expect(open).toBe(0);
    const stale = await t.sql<{ relname: string }>(
      `select relname from pg_stat_user_tables
        where relname in ('petition_case', 'dup_gram_df', 'dup_gram_posting', 'case_step', 'termination_application',
                          'petitioner', 'termination_archive', 'audit_log', 'unit')
          and last_analyze is null order by relname`,
    );
    expect(stale).toEqual([]);
  });

  it('a case terminated through the procedure is indexed in the same transaction, and a changed text re-indexed', async () => {
    await loadDemoUnits(t);
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ');
    const id = Number(
      await terminatedCase(t, officer, reviewer, {
        factsAndReasons: '本人承包的鱼塘因上游化工厂排污导致鱼苗大量死亡，环保部门检测后未作处理。',
      }),
    );
    const posted = async () =>
      (
        await t.sql<{ n: number }>('select count(*)::int as n from dup_gram_posting where case_id = $1', [id])
      )[0].n;
    expect(await posted()).toBeGreaterThan(5); // 鱼塘, 鱼苗 … occur in no generated case
    expect(await indexErrors()).toMatchObject({ counts: 0, missing: 0, stray: 0 });
    // its text changed by a statement of its own: the trigger follows it
    await t.sql(`update petition_case set dup_text = '鱼塘污染问题已经解决' where id = $1`, [id]);
    expect(await indexErrors()).toMatchObject({ missing: 0, stray: 0 });
    // no longer terminated: no postings
    await t.sql(`update petition_case set status = 'TERMINATION_APPROVED' where id = $1`, [id]);
    expect(await posted()).toBe(0);
  });

  it('looks up through the b-tree of dup_gram_posting, reading at most 2000 postings', async () => {
    const { em, q } = await lookUpOfSomeCase();
    const plan = (
      await em.execute<{ 'QUERY PLAN': string }[]>(`explain (analyze, costs off) ${q.sql}`, q.params)
    ).map((r) => r['QUERY PLAN']);
    const text = plan.join('\n');
    // the import vacuumed the postings: the look-up reads the index alone
    expect(text).toMatch(/Index Only Scan using dup_gram_posting_pkey on dup_gram_posting/);
    expect(text).not.toMatch(/Seq Scan on (dup_gram_posting|petition_case)/);
    const read = plan
      .filter((l) => /Index Only Scan using dup_gram_posting_pkey/.test(l))
      .map((l) => /rows=(\d+) loops=(\d+)/.exec(l)!)
      .reduce((n, m) => n + Number(m[1]) * Number(m[2]), 0);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(2000);
  });

  it('re-ranks the pooled cases from the covering index of bigram sets, not from the heap', async () => {
    const { em, q } = await lookUpOfSomeCase();
    const text = (await em.execute<{ 'QUERY PLAN': string }[]>(`explain (costs off) ${q.sql}`, q.params))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(text).toMatch(/Index Only Scan using petition_case_dup_grams_covering on petition_case/);
    // only the ≤ 20 compared cases are read from the heap (their columns for the answer)
    expect(text.match(/Index Scan using petition_case_pkey/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('indexes and finds a case whose text has more bigrams than a b-tree entry can cover', async () => {
    // 1,500 distinct random bigrams: ~6 kB, beyond a covering-index entry (COVERED_GRAMS = 600)
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const long = Array.from({ length: 1500 }, () =>
      String.fromCodePoint(0x4e00 + Math.floor(rnd() * 20000)),
    ).join('');
    const c = await someTerminatedCase(29);
    // what the import and the termination write: the text and its index text (dup_grams follows)
    await t.sql(`update petition_case set facts_and_reasons = $2, dup_text = $3 where id = $1`, [
      c.id,
      long,
      contentIndexText(long),
    ]);
    const [n] = await t.sql<{ n: number }>(`select icount(dup_grams) as n from petition_case where id = $1`, [
      c.id,
    ]);
    expect(n.n).toBeGreaterThan(600);
    const staff = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1');
    const r = ok(await t.gql(CHECK, { input: { content: long } }, staff)).checkDuplicate;
    expect(r.matches[0]).toMatchObject({ sameIdentity: false, case: { id: String(c.id) } });
  });

  it('finds the bigram counts vacuumed by the import (its batches left dead versions of every row)', async () => {
    // the vacuum's own report reaches the statistics view once its backend flushes them
    let vacuumed = false;
    for (let i = 0; i < 50 && !vacuumed; i++) {
      const [r] = await t.sql<{ v: boolean }>(
        `select last_vacuum is not null as v from pg_stat_user_tables where relname = 'dup_gram_df'`,
      );
      vacuumed = r.v;
      if (!vacuumed) await new Promise((r) => setTimeout(r, 200));
    }
    expect(vacuumed).toBe(true);
  });

  it("finds a terminated case from its content alone, as the department's check sees it", async () => {
    const c = await someTerminatedCase();
    const staff = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1');
    const r = ok(await t.gql(CHECK, { input: { content: c.text } }, staff)).checkDuplicate;
    expect(r.verdict).toBe('POSSIBLE_DUPLICATE');
    expect(r.complete).toBe(true);
    expect(r.incompleteReason).toBeNull();
    expect(r.matches[0]).toMatchObject({ sameIdentity: false, case: { id: String(c.id) } });
  });
});

describe('checkDuplicate under load', () => {
  /** A retelling of a terminated case, with and without its petitioner's ID number. */
  async function inputs() {
    const rows = await t.sql<{ id_number_enc: string; facts_and_reasons: string; requests: string }>(
      `select petitioner_id_number_enc as id_number_enc, facts_and_reasons, requests from petition_case
        where status = 'TERMINATED' order by id limit 2 offset 40`,
    );
    const retell = (s: string) => s.replace(/本人/g, '我').replace(/。$/, '，请领导重视。');
    return [
      {
        idNumber: t.hub.deps.cipher.decrypt(rows[0].id_number_enc, PETITIONER_AAD.idNumber),
        content: retell(rows[0].facts_and_reasons) + rows[0].requests,
      },
      { content: retell(rows[1].facts_and_reasons) + rows[1].requests },
    ];
  }

  it('gives twenty users checking at once the same answers as one user alone', async () => {
    const alone = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1', '单独查重');
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.token('DEPARTMENT_STAFF', 'GEN-C01-D1', `并发查重${i}`)),
    );
    for (const input of await inputs()) {
      const expected = ok(await t.gql(CHECK, { input }, alone)).checkDuplicate;
      expect(expected.matches.length).toBeGreaterThan(0);
      const all = await Promise.all(users.map((u) => t.gql(CHECK, { input }, u)));
      for (const r of all) expect(ok(r).checkDuplicate).toEqual(expected);
    }
  });

  it('takes at most 6 SQL statements per check, begin and commit included: one look-up, then the audit entry', async () => {
    const staff = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1', '语句计数');
    const [input] = await inputs();
    t.queries.length = 0;
    ok(await t.gql(CHECK, { input }, staff));
    // the token's unit, resolved for every request, and the request budget, spent by every
    // request (an upsert of its own), are not the check's
    const statements = t.queries.filter(
      (q) =>
        !/ from "unit" as "u0" where "u0"."code" = /.test(q) &&
        !(q.includes('usage_spend(') && !q.includes('dup_gram_posting')),
    );
    expect(statements.length).toBeLessThanOrEqual(6);
    // allowances and identity limits, identity, content candidates and their facts: one statement
    const lookUps = statements.filter((q) =>
      /usage_spend|dup_gram_posting|petitioner_name_phone_bidx/.test(q),
    );
    expect(lookUps).toHaveLength(1);
    // the windows are spent after the search (the unit's counter rows are held only to its end)
    expect(lookUps[0]).toMatch(/dup_gram_posting[\s\S]*case_step[\s\S]*usage_spend/);
  });

  it('says when a limit cut the search short, is never NO_MATCH then, and counts it', async () => {
    // a petitioner with at least two terminated cases, and a matter none of them is about
    const [p] = await t.sql<{ enc: string; n: number }>(
      `select min(petitioner_id_number_enc) as enc, count(*)::int as n from petition_case
        where status = 'TERMINATED' group by petitioner_id having count(*) >= 2 order by petitioner_id limit 1`,
    );
    expect(p).toBeDefined();
    const input = {
      idNumber: t.hub.deps.cipher.decrypt(p.enc, PETITIONER_AAD.idNumber),
      content: '邻居在楼顶违章搭建阳光房，遮挡我家采光并造成漏水，城管部门至今没有处理。',
    };
    const limited = await startTestHub(
      { DUPLICATE_CHECK_MAX_OWN_CASES: '1' },
      { databaseUrl: t.databaseUrl },
    );
    // the instance's own counter of cut searches (served at GET /metrics)
    const counted = async (hub: typeof t) =>
      (await hub.hub.deps.metrics.duplicateSearchIncomplete.get()).values
        .filter((v) => v.value > 0)
        .map((v) => [v.labels.reason, v.value]);
    try {
      const full = ok(
        await t.gql(CHECK, { input }, await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1', '完整查重')),
      ).checkDuplicate;
      expect(full).toMatchObject({ verdict: 'NO_MATCH', complete: true, incompleteReason: null });
      expect(await counted(t)).toEqual([]);
      const cut = ok(
        await limited.gql(
          CHECK,
          { input },
          await limited.token('DEPARTMENT_STAFF', 'GEN-C01-D1', '受限查重'),
        ),
      ).checkDuplicate;
      expect(cut.complete).toBe(false);
      expect(cut.verdict).toBe('POSSIBLE_DUPLICATE');
      expect(cut.incompleteReason).toContain(`共 ${p.n} 件`);
      expect(cut.incompleteReason).toContain('请人工核查');
      expect(await counted(limited)).toEqual([['OWN_CASES_LIMIT', 1]]);
    } finally {
      await limited.close();
    }
  });
});

describe('terminatedCases text filter on a few thousand cases', () => {
  const PAGE = `query($f: TerminatedCaseFilterInput, $first: Int, $after: String) {
    terminatedCases(filter: $f, first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } }`;

  async function pages(text: string, first: number, max: number) {
    const staff = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1');
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < max; i++) {
      const r: any = ok(await t.gql(PAGE, { f: { text }, first, after }, staff)).terminatedCases;
      ids.push(...r.nodes.map((n: { id: string }) => n.id));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    return ids;
  }
  const expected = async (text: string) =>
    (
      await t.sql<{ id: number }>(
        `select id from petition_case where status = 'TERMINATED'
            and (title || ' ' || facts_and_reasons) ilike $1 order by terminated_at desc, id desc`,
        [`%${text}%`],
      )
    ).map((r) => String(r.id));

  it('pages a common word from the newest cases and a rare one through the index, both in order', async () => {
    // a word of the template: most cases hold it, pages fill from the newest cases
    const common = await expected('问题');
    expect(common.length).toBeGreaterThan(1000);
    expect(await pages('问题', 7, 3)).toEqual(common.slice(0, 21));
    // a word of one case (its event code): the page does not fill, the trigram index answers
    const c = await someTerminatedCase();
    const code = /事件编号([A-Z]\d{4})/.exec(c.text)?.[1];
    expect(code).toBeDefined();
    const rare = await expected(code!);
    expect(rare.length).toBeGreaterThan(0);
    expect(await pages(code!, 1, 50)).toEqual(rare);
  });
});
