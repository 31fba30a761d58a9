import { describe, expect, it } from 'vitest';
import { nearlyEqual } from './nearly-equal';

describe('nearlyEqual', () => {
  it('compares deeply with relative tolerance', () => {
    expect(nearlyEqual({ a: [1, 2], b: null, c: 'x' }, { c: 'x', b: null, a: [1, 2 + 1e-12] }, 1e-9)).toBe(true);
    expect(nearlyEqual({ a: [1, 2] }, { a: [1, 2.001] }, 1e-9)).toBe(false);
    expect(nearlyEqual({ a: 1 }, { a: 1, b: 2 }, 1e-9)).toBe(false);
    expect(nearlyEqual([1], [1, 2], 1e-9)).toBe(false);
    expect(nearlyEqual({ a: null }, { a: 0 }, 1e-9)).toBe(false);
    expect(nearlyEqual(1e12, 1e12 + 1, 1e-9)).toBe(true); // relative
  });
});
