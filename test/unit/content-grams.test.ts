import {
  MAX_SEARCH_GRAMS,
  NO_STATISTICS,
  pickSearchGrams,
  type GramStatistics,
} from '../../src/modules/sharing/content-grams';

/** 1 000 000 rows; grams 1–5 are very common, 10–19 listed but uncommon, the rest unlisted. */
const stats: GramStatistics = {
  rows: 1_000_000,
  freq: new Map<number, number>([
    [1, 0.9],
    [2, 0.5],
    [3, 0.3],
    [4, 0.1],
    [5, 0.05],
    ...Array.from({ length: 10 }, (_, i) => [10 + i, 0.002 + i * 0.0005] as [number, number]),
  ]),
  unlistedFreq: 0.0005, // 500 rows
};
const estimate = (g: number) => (stats.freq.get(g) ?? stats.unlistedFreq) * stats.rows;
const sum = (gs: number[]) => gs.reduce((n, g) => n + estimate(g), 0);

describe('pickSearchGrams: which bigrams the duplicate check looks up', () => {
  it('keeps the estimated rows within the budget and never looks up a common bigram', () => {
    const grams = [1, 2, 3, 4, 5, ...Array.from({ length: 10 }, (_, i) => 10 + i), 100, 101, 102, 103];
    const picked = pickSearchGrams(grams, stats, 10_000);
    expect(sum(picked)).toBeLessThanOrEqual(10_000);
    expect(picked.filter((g) => g <= 5)).toEqual([]);
    // the unlisted (rarest) bigrams first, then the listed ones by rising frequency
    expect(new Set(picked.slice(0, 4))).toEqual(new Set([100, 101, 102, 103]));
    expect(picked.slice(4)).toEqual([10, 11, 12]);
  });

  it('looks up nothing when every bigram is too common to be specific', () => {
    expect(pickSearchGrams([1, 2, 3, 4], stats, 20_000)).toEqual([]);
  });

  it('with no statistics yet (a small or new database) looks up every bigram, up to the maximum', () => {
    expect(pickSearchGrams([5, 3, 3, 9], NO_STATISTICS).sort()).toEqual([3, 5, 9]);
    const many = Array.from({ length: MAX_SEARCH_GRAMS + 100 }, (_, i) => i);
    expect(pickSearchGrams(many, NO_STATISTICS)).toHaveLength(MAX_SEARCH_GRAMS);
  });

  it("on a big table never analysed, bounds the look-up by the planner's default guess", () => {
    const unanalysed: GramStatistics = { rows: 1_000_000, freq: new Map(), unlistedFreq: 0.005 };
    const grams = Array.from({ length: 200 }, (_, i) => i);
    expect(pickSearchGrams(grams, unanalysed, 20_000)).toHaveLength(4);
  });

  it('is deterministic and does not favour low or high codes among equally rare bigrams', () => {
    const grams = Array.from({ length: 2000 }, (_, i) => 1000 + i);
    const picked = pickSearchGrams(grams, stats, 50 * 500);
    expect(picked).toHaveLength(50);
    expect(pickSearchGrams([...grams].reverse(), stats, 50 * 500)).toEqual(picked);
    const low = picked.filter((g) => g < 2000).length;
    expect(low).toBeGreaterThan(10);
    expect(low).toBeLessThan(40);
  });
});
