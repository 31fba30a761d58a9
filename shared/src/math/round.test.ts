import { describe, expect, it } from 'vitest';
import { round } from './round';

describe('round', () => {
  it('rounds without -0', () => {
    expect(round(1.23456789, 4)).toBe(1.2346);
    expect(Object.is(round(-0.0000001, 3), 0)).toBe(true);
  });
});
