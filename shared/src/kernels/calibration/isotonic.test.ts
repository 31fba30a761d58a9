import { describe, expect, it } from 'vitest';
import { isotonicFit, isotonicPredict, pav } from './isotonic';

describe('pav', () => {
  it('pools adjacent violators (hand example)', () => {
    expect(pav([1, 3, 2, 4, 3, 5])).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5]);
    expect(pav([4, 3, 2, 1])).toEqual([2.5, 2.5, 2.5, 2.5]);
    // 1, then (3, 2) → 2.5, then 0 joins that block → 5/3, which 1 does not exceed
    expect(pav([1, 3, 2, 0])).toEqual([1, 5 / 3, 5 / 3, 5 / 3]);
    // cascade: 2, (3, 1) → 2, then 0 → 4/3, which now violates the first 2 → all four at 1.5
    expect(pav([2, 3, 1, 0])).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(pav([0, 1, 1, 2])).toEqual([0, 1, 1, 2]);
  });

  it('uses weights', () => {
    expect(pav([3, 1], [1, 3])).toEqual([1.5, 1.5]);
    expect(pav([0, 2, 1], [1, 1, 3])).toEqual([0, 1.25, 1.25]);
  });
});

describe('isotonicFit / isotonicPredict', () => {
  // x = 0.1 twice (y 1, 0) pools to 0.5; 0.2 (y 0) violates → (0.5·2 + 0)/3 = 1/3; 0.3 (y 1) → 1
  const m = isotonicFit([0.3, 0.1, 0.2, 0.1], [1, 1, 0, 0]);

  it('pools tied x first and keeps blocks', () => {
    expect(m.xLo).toEqual([0.1, 0.3]);
    expect(m.xHi).toEqual([0.2, 0.3]);
    expect(m.value[0]).toBeCloseTo(1 / 3, 15);
    expect(m.value[1]).toBe(1);
  });

  it('is constant in a block, linear between blocks and flat outside', () => {
    expect(isotonicPredict(m, 0.15)).toBeCloseTo(1 / 3, 15);
    expect(isotonicPredict(m, 0.25)).toBeCloseTo(2 / 3, 12);
    expect(isotonicPredict(m, 0.05)).toBeCloseTo(1 / 3, 15);
    expect(isotonicPredict(m, 0.9)).toBe(1);
  });

  it('does not depend on the input order', () => {
    const a = isotonicFit([0.5, 0.2, 0.9, 0.4, 0.7], [1, 0, 1, 1, 0]);
    const b = isotonicFit([0.9, 0.7, 0.5, 0.4, 0.2], [1, 0, 1, 1, 0]);
    expect(a).toEqual(b);
    for (let i = 1; i < a.value.length; i++) expect(a.value[i]).toBeGreaterThan(a.value[i - 1]);
  });
});
