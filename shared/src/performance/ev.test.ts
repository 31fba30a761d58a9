import { describe, expect, it } from 'vitest';
import { EV_WINDOW, expectedGainPerResult, expectedValue, priorityFromEv, rankByEv } from './ev';

describe('expected value of pending work', () => {
  it('shrinks the mean recent gain toward one unit', () => {
    expect(expectedGainPerResult([])).toBe(1);
    expect(expectedGainPerResult([0, 0, 0])).toBe(0.25);
    expect(expectedGainPerResult([2, 0, 1])).toBe(1);
    // Only the last EV_WINDOW gains count.
    expect(expectedGainPerResult([100, ...new Array(EV_WINDOW).fill(0)])).toBeCloseTo(1 / (EV_WINDOW + 1), 12);
  });
  it('EV = pending × gain × importance / hours', () => {
    expect(expectedValue({ pendingWus: 10, gainPerResult: 0.25, importance: 2, estimatedHours: 5 })).toEqual({ expectedImprovement: 2.5, ev: 1 });
    // Hours are floored at one CPU second.
    expect(expectedValue({ pendingWus: 1, gainPerResult: 1, importance: 1, estimatedHours: 0 }).ev).toBeCloseTo(3600, 9);
  });
  it('ranks by EV, null last, cheaper first on ties', () => {
    const ranked = rankByEv([
      { id: 'a', ev: 1, estimatedHours: 2 }, { id: 'b', ev: null, estimatedHours: 1 },
      { id: 'c', ev: 3, estimatedHours: 9 }, { id: 'd', ev: 1, estimatedHours: 1 },
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([['c', 1], ['d', 2], ['a', 3], ['b', 4]]);
  });
  it('maps EV to priorities in proportion, keeping untracked ones', () => {
    expect(priorityFromEv(2, 2, 0)).toBe(1000);
    expect(priorityFromEv(0.5, 2, 0)).toBe(250);
    expect(priorityFromEv(0, 2, 50)).toBe(0);
    expect(priorityFromEv(null, 2, 7)).toBe(7);
    expect(priorityFromEv(1, 0, 7)).toBe(0);
  });
});
