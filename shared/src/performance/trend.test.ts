import { describe, expect, it } from 'vitest';
import { classifyTrend, olsSlope } from './trend';

describe('olsSlope', () => {
  it('fits known lines', () => {
    expect(olsSlope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2, 12);
    expect(olsSlope([[0, 1], [1, 2], [2, 1]])).toBe(0);
    expect(olsSlope([[0, 1], [1, 2], [2, 2], [3, 4]])).toBeCloseTo(0.9, 12);
    expect(olsSlope([[1, 1], [1, 5]])).toBe(0);
    expect(olsSlope([[0, 1]])).toBe(0);
  });
});

describe('classifyTrend', () => {
  it('calls a steadily falling log loss improving (slope in oriented units per result)', () => {
    const t = classifyTrend([0.7, 0.69, 0.68, 0.67, 0.66, 0.65], true);
    expect(t.trend).toBe('improving');
    expect(t.n).toBe(6);
    expect(t.slope).toBeCloseTo(0.01, 10);
    expect(t.lower!).toBeGreaterThan(0);
    expect(t.upper).toBeCloseTo(0.01, 10);
  });
  it('calls the same series regressing when higher is better', () => {
    expect(classifyTrend([0.7, 0.69, 0.68, 0.67, 0.66, 0.65], false)).toMatchObject({ trend: 'regressing' });
  });
  it('calls a flat series a plateau with a zero interval', () => {
    expect(classifyTrend([0.5, 0.5, 0.5, 0.5, 0.5], true)).toEqual({ trend: 'plateau', n: 5, slope: 0, lower: 0, upper: 0 });
  });
  it('calls noise around a level a plateau, and too few results new', () => {
    expect(classifyTrend([1, 3, 2, 1, 3, 2, 1, 3, 2, 1, 3, 2], false).trend).toBe('plateau');
    expect(classifyTrend([1, 2, 3], false)).toEqual({ trend: 'new', n: 3, slope: null, lower: null, upper: null });
  });
  it('looks only at the last window of results, reproducibly', () => {
    const series = [5, 4, 3, 2, 1, 1, 1, 1, 1];
    expect(classifyTrend(series, false, { window: 4 }).trend).toBe('plateau');
    expect(classifyTrend(series, false)).toEqual(classifyTrend(series, false));
  });
});
