import fs from 'node:fs';
import path from 'node:path';
import { describeDuplicateSet } from './helpers/dup-set';

/**
 * The duplicate check on the generated held-out-style set (test/fixtures/dup-gen, written by
 * scripts/dup-gen.ts from another province's units, people and matters than dup-dev): the same
 * bar as the development set, end to end through GraphQL; plus what the clerk is shown — a known
 * petitioner's own terminated matters, and reasons without personal data. DUP_REPORT=1 prints
 * the figures.
 */
const DIR = path.resolve(__dirname, 'fixtures/dup-gen');
const results = describeDuplicateSet('checkDuplicate on the generated set', DIR, { queries: 140, dupId: 48 });

const petitioners = fs
  .readFileSync(path.join(DIR, 'import.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.includes('"kind":"case"'))
  .map((l) => JSON.parse(l).petitioner as { name: string; idNumber: string; phone: string; address: string });

describe('what the clerk sees on the generated set', () => {
  it("lists a known petitioner's terminated matter even for a new matter, with sameIdentity and its low similarity", () => {
    const newMatters = results.filter((r) => r.q.label === 'NEW_MATTER');
    expect(newMatters).toHaveLength(24);
    for (const r of newMatters) {
      const own = r.matches.find((m) => m.case.externalRef === r.q.targetExternalRef);
      expect(own).toMatchObject({ sameIdentity: true });
      expect(own!.contentSimilarity).toBeLessThan(0.5);
    }
    expect(newMatters.some((r) => r.verdict === 'NO_MATCH' && r.matches.length > 0)).toBe(true);
  });

  it('gives reasons by kind of fact for every match: agreeing facts for a duplicate, in Chinese', () => {
    for (const r of results.filter((x) => x.verdict === 'DUPLICATE'))
      expect(r.matches[0].reasons.some((s) => s.startsWith('一致的'))).toBe(true);
    const related = results
      .filter((r) => r.q.label === 'RELATED_BUT_NEW')
      .flatMap((r) => r.matches[0].reasons);
    expect(related.some((s) => /晚于原事项受理|不一致的|原事项未载明的/.test(s))).toBe(true);
  });

  it('never puts personal data into a reason: no name, ID number, phone or house number', () => {
    const text = results.flatMap((r) => r.matches.flatMap((m) => m.reasons)).join('\n');
    for (const p of petitioners) {
      for (const v of [p.name, p.idNumber, p.phone]) expect(text).not.toContain(v);
      // the house number of the address ("…7幢1202室"), in any form
      const [, building, room] = /(\d+)幢(\d+)室$/.exec(p.address)!;
      expect(text).not.toMatch(new RegExp(`${building}\\s*[幢栋号]|${room}\\s*室`));
    }
    expect(text).not.toMatch(/[幢栋]|单元|\d{3,4}室/);
  });
});
