import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { importFile } from './helpers/fixtures';

/**
 * The duplicate check on the development set (test/fixtures/dup-dev): import it, ask every query
 * through GraphQL as department staff, and hold the method to DESIGN.md §4's bar. Set
 * DUP_REPORT=1 to print the figures.
 */
const DIR = path.resolve(__dirname, 'fixtures/dup-dev');
const CHECK = `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) { verdict matches { sameIdentity case { externalRef } } } }`;

interface Query {
  id: string;
  label: string;
  input: Record<string, string | null>;
  targetExternalRef: string | null;
  allowedVerdicts: string[];
}

let t: TestHub;
const results: { q: Query; verdict: string; top: string | null }[] = [];

beforeAll(async () => {
  t = await startTestHub();
  await importFile(t, path.join(DIR, 'import.jsonl'));
  const staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
  const queries = fs
    .readFileSync(path.join(DIR, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Query);
  for (const q of queries) {
    const r = ok(await t.gql(CHECK, { input: q.input }, staff)).checkDuplicate;
    results.push({ q, verdict: r.verdict, top: r.matches[0]?.case.externalRef ?? null });
  }
}, 180_000);
afterAll(() => t.close());

const NEGATIVE = ['NEW_MATTER', 'RELATED_BUT_NEW', 'OTHER_PERSON_SAME_FACTS', 'UNRELATED'];

describe('checkDuplicate on the development set', () => {
  it('asks all 120 queries', () => {
    expect(results).toHaveLength(120);
  });

  it('recall of DUPLICATE on DUP_ID is at least 95%, with the right case on top', () => {
    const dupId = results.filter((r) => r.q.label === 'DUP_ID');
    const hits = dupId.filter((r) => r.verdict === 'DUPLICATE');
    expect(dupId).toHaveLength(40);
    expect(hits.length / dupId.length).toBeGreaterThanOrEqual(0.95);
    expect(hits.every((r) => r.top === r.q.targetExternalRef)).toBe(true);
  });

  it('never answers DUPLICATE to a negative query (that would deny a lawful petition)', () => {
    const falseDup = results.filter((r) => NEGATIVE.includes(r.q.label) && r.verdict === 'DUPLICATE');
    expect(falseDup.map((r) => r.q.id)).toEqual([]);
  });

  it('answers every query with an allowed verdict', () => {
    const wrong = results
      .filter((r) => !r.q.allowedVerdicts.includes(r.verdict))
      .map((r) => `${r.q.id} ${r.q.label} → ${r.verdict}`);
    expect(wrong).toEqual([]);
  });

  afterAll(() => {
    if (!process.env.DUP_REPORT) return;
    const labels = [...new Set(results.map((r) => r.q.label))];
    const lines = labels.map((label) => {
      const rs = results.filter((r) => r.q.label === label);
      const by = (v: string) => rs.filter((r) => r.verdict === v).length;
      const pass = rs.filter((r) => r.q.allowedVerdicts.includes(r.verdict)).length;
      const top = rs.filter((r) => r.top === r.q.targetExternalRef).length;
      return `${label.padEnd(24)} n=${String(rs.length).padStart(2)} pass=${pass} DUP=${by('DUPLICATE')} POSS=${by('POSSIBLE_DUPLICATE')} NO=${by('NO_MATCH')} top=target ${top}`;
    });
    console.log(lines.join('\n'));
  });
});
