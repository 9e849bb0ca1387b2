import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './hub';
import { importFile } from './fixtures';

/**
 * A duplicate-check set in the dup-dev format (import.jsonl + queries.jsonl, see
 * test/fixtures/dup-dev/README.md) run end to end: import it into a fresh hub, ask every query
 * through GraphQL as department staff, and hold the answers to DESIGN.md §4's bar. Set
 * DUP_REPORT=1 to print the figures per label.
 */
const CHECK = `query($input: DuplicateCheckInput!) { checkDuplicate(input: $input) { verdict
  matches { sameIdentity contentSimilarity reasons case { externalRef } } } }`;

export interface DupQuery {
  id: string;
  label: string;
  input: Record<string, string | null>;
  targetExternalRef: string | null;
  allowedVerdicts: string[];
}
export interface DupMatch {
  sameIdentity: boolean;
  contentSimilarity: number;
  reasons: string[];
  case: { externalRef: string };
}
export interface DupResult {
  q: DupQuery;
  verdict: string;
  top: string | null;
  matches: DupMatch[];
}

export const NEGATIVE_LABELS = ['NEW_MATTER', 'RELATED_BUT_NEW', 'OTHER_PERSON_SAME_FACTS', 'UNRELATED'];

/** Registers beforeAll/afterAll and the shared assertions; returns the answers for more. */
export function describeDuplicateSet(
  title: string,
  dir: string,
  expected: { queries: number; dupId: number },
) {
  let t: TestHub;
  const results: DupResult[] = [];

  beforeAll(async () => {
    // every query of the set is one check of one user, with ever other identities (a set of many
    // matters, not guessing): the allowances and identity limits must not cut the run short
    t = await startTestHub({
      DUPLICATE_CHECKS_PER_HOUR: '10000',
      DUPLICATE_CHECKS_PER_DAY: '10000',
      DUPLICATE_CHECKS_PER_UNIT_PER_HOUR: '10000',
      DUPLICATE_CHECKS_PER_UNIT_PER_DAY: '10000',
      DUPLICATE_ORACLE_MAX_IDENTITIES_PER_DAY: '10000',
    });
    await importFile(t, path.join(dir, 'import.jsonl'));
    const [unit] = fs
      .readFileSync(path.join(dir, 'import.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"DEPARTMENT"'))
      .map((l) => JSON.parse(l).code as string);
    const staff = await t.token('DEPARTMENT_STAFF', unit);
    const queries = fs
      .readFileSync(path.join(dir, 'queries.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as DupQuery);
    for (const q of queries) {
      const r = ok(await t.gql(CHECK, { input: q.input }, staff)).checkDuplicate;
      results.push({
        q,
        verdict: r.verdict,
        top: r.matches[0]?.case.externalRef ?? null,
        matches: r.matches,
      });
    }
  }, 300_000);
  afterAll(() => t.close());

  describe(title, () => {
    it(`asks all ${expected.queries} queries`, () => {
      expect(results).toHaveLength(expected.queries);
    });

    it('recall of DUPLICATE on DUP_ID is at least 95%, with the right case on top', () => {
      const dupId = results.filter((r) => r.q.label === 'DUP_ID');
      const hits = dupId.filter((r) => r.verdict === 'DUPLICATE');
      expect(dupId).toHaveLength(expected.dupId);
      expect(hits.length / dupId.length).toBeGreaterThanOrEqual(0.95);
      expect(hits.every((r) => r.top === r.q.targetExternalRef)).toBe(true);
    });

    it('never answers DUPLICATE to a negative query (that would deny a lawful petition)', () => {
      const falseDup = results.filter(
        (r) => NEGATIVE_LABELS.includes(r.q.label) && r.verdict === 'DUPLICATE',
      );
      expect(falseDup.map((r) => r.q.id)).toEqual([]);
    });

    it('answers every query with an allowed verdict (so every UNRELATED query is NO_MATCH)', () => {
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
      console.log(`${title}\n${lines.join('\n')}`);
    });
  });
  return results;
}
