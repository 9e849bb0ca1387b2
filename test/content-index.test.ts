import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { generateImportFile } from '../scripts/gen-import';
import { importFile } from './helpers/fixtures';
import { contentIndexText } from '../src/modules/sharing/duplicate-method';
import {
  contentCandidateQuery,
  findContentCandidates,
  pickSearchGrams,
} from '../src/modules/sharing/content-grams';

/**
 * The duplicate check's content index on a few thousand generated cases (templated text, so many
 * bigrams are common): the bigrams are integers made by the database, the statistics come
 * from ANALYZE, the look-up leaves the common bigrams out and goes through the GIN index, and a
 * case's own content still finds it.
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

async function someTerminatedCase() {
  const [c] = await t.sql<{ id: number; text: string }>(
    `select id, facts_and_reasons || requests as text from petition_case
      where status = 'TERMINATED' order by id limit 1 offset 17`,
  );
  return c;
}

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

  it("reads the planner's statistics after an import and looks up only the uncommon bigrams, through the GIN index", async () => {
    const em = t.orm.em.fork();
    const stats = await t.hub.deps.gramStatistics.get(em);
    expect(stats.rows).toBeGreaterThan(N * 0.9);
    expect(stats.freq.size).toBeGreaterThan(100);
    const c = await someTerminatedCase();
    const [{ grams }] = await t.sql<{ grams: number[] }>(`select content_grams($1) as grams`, [
      contentIndexText(c.text),
    ]);
    // A budget of 5 % of the rows, as 20 000 is of a million.
    const picked = pickSearchGrams(grams, stats, N * 0.05);
    expect(picked.length).toBeGreaterThan(0);
    const common = grams.filter((g) => (stats.freq.get(g) ?? 0) > 0.05);
    expect(common.length).toBeGreaterThan(0); // the template's words are there …
    expect(picked.filter((g) => common.includes(g))).toEqual([]); // … and not looked up

    const q = contentCandidateQuery(picked, grams, 20);
    const found = await em.execute<{ id: number }[]>(q.sql, q.params);
    expect(found[0].id).toBe(c.id);
    // every bigram, the common ones too, would match most cases: the look-up stops at its cap
    const capped = contentCandidateQuery(grams, grams, 20, 100);
    const cappedRows = await em.execute<{ matched: number }[]>(capped.sql, capped.params);
    expect(cappedRows[0].matched).toBe(100);
    // all look-ups of a check together stay within the budget
    const all = await findContentCandidates(em, grams, stats, 20, { budget: N * 0.05 });
    expect(all.ids[0]).toBe(c.id);
    expect(all.read).toBeLessThanOrEqual(N * 0.05);
    // The import merged the index's pending list and ran ANALYZE: the planner takes the index.
    const plan = (await em.execute<{ 'QUERY PLAN': string }[]>(`explain ${q.sql}`, q.params)).map(
      (r) => r['QUERY PLAN'],
    );
    expect(plan.join('\n')).toMatch(/Bitmap Index Scan on petition_case_dup_grams/);
    expect(plan.join('\n')).not.toMatch(/Seq Scan on petition_case/);
  });

  it('looks up the next rarest bigrams when the rarest ones found too little (words no case uses)', async () => {
    const em = t.orm.em.fork();
    const stats = await t.hub.deps.gramStatistics.get(em);
    const c = await someTerminatedCase();
    // The case's text with 100 bigrams no case contains (rare CJK characters): unlisted, so
    // estimated rarest, and looked up first; they find nothing.
    const rare = Array.from({ length: 101 }, (_, i) => String.fromCodePoint(0x3400 + i)).join('');
    const [{ grams }] = await t.sql<{ grams: number[] }>(`select content_grams($1) as grams`, [
      contentIndexText(rare + c.text),
    ]);
    const budget = N * 0.05;
    const first = contentCandidateQuery(pickSearchGrams(grams, stats, budget), grams, 20);
    expect(await em.execute(first.sql, first.params)).toEqual([]);
    const found = await t.orm.em.fork().transactional(async (tx) => {
      const r = await findContentCandidates(tx, grams, stats, 20, { budget });
      // each look-up's time limit ends with the look-ups, not with the transaction
      const [{ statement_timeout }] =
        await tx.execute<{ statement_timeout: string }[]>('show statement_timeout');
      return { ...r, statement_timeout };
    });
    expect(found.ids[0]).toBe(c.id);
    expect(found.lookUps).toBeGreaterThan(1);
    expect(found.statement_timeout).toBe('0');
  });

  it('gives up when its time is up, keeping the transaction usable', async () => {
    const c = await someTerminatedCase();
    const [{ grams }] = await t.sql<{ grams: number[] }>(`select content_grams($1) as grams`, [
      contentIndexText(c.text),
    ]);
    const stats = await t.hub.deps.gramStatistics.get(t.orm.em.fork());
    // Another session holds the table: the look-up waits until its time limit cancels it.
    await t.sql('begin');
    await t.sql('lock table petition_case in access exclusive mode');
    try {
      const after = await t.orm.em.fork().transactional(async (em) => {
        const r = await findContentCandidates(em, grams, stats, 20, { timeLimitMs: 300 });
        const [{ ok: usable }] = await em.execute<{ ok: number }[]>('select 1 as ok');
        return { ...r, usable };
      });
      expect(after).toMatchObject({ ids: [], timedOut: true, lookUps: 1, usable: 1 });
    } finally {
      await t.sql('rollback');
    }
  });

  it("finds a terminated case from its content alone, as the department's check sees it", async () => {
    const c = await someTerminatedCase();
    const staff = await t.token('DEPARTMENT_STAFF', 'GEN-C01-D1');
    const r = ok(
      await t.gql(
        `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) { verdict matches { sameIdentity case { id } } } }`,
        { input: { content: c.text } },
        staff,
      ),
    ).checkDuplicate;
    expect(r.verdict).toBe('POSSIBLE_DUPLICATE');
    expect(r.matches[0]).toEqual({ sameIdentity: false, case: { id: String(c.id) } });
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
