import { describe, expect, it } from 'vitest';
import { SearchSpec } from '@nfl-grid/shared/api/search';
import { drawConfigurations, withPath } from './search-draws';

describe('random search draws', () => {
  const search = SearchSpec.parse({
    samples: 200,
    space: { 'optimizer.learningRate': { logUniform: [1e-4, 1e-1] }, dropout: { uniform: [0.1, 0.3] }, layers: { int: [1, 3] }, activation: { choice: ['relu', 'tanh'] } },
  });
  const base = { fold: { testSeason: 2019 }, optimizer: { name: 'adam', beta1: 0.9 } };

  it('is the same for the same seed and differs for another', () => {
    const a = drawConfigurations(search, base, 5);
    expect(drawConfigurations(search, base, 5)).toEqual(a);
    expect(drawConfigurations(search, base, 6)).not.toEqual(a);
  });

  it('stays in its ranges, covers them, and keeps the other params', () => {
    const draws = drawConfigurations(search, base, 5) as { optimizer: { name: string; beta1: number; learningRate: number }; dropout: number; layers: number; activation: string; fold: unknown }[];
    expect(draws).toHaveLength(200);
    for (const d of draws) {
      expect(d.optimizer.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(d.optimizer.learningRate).toBeLessThanOrEqual(1e-1);
      expect(d.optimizer).toMatchObject({ name: 'adam', beta1: 0.9 });
      expect(d.dropout).toBeGreaterThanOrEqual(0.1);
      expect(d.dropout).toBeLessThanOrEqual(0.3);
      expect(d.fold).toEqual({ testSeason: 2019 });
    }
    expect(new Set(draws.map((d) => d.layers))).toEqual(new Set([1, 2, 3]));
    expect(new Set(draws.map((d) => d.activation))).toEqual(new Set(['relu', 'tanh']));
    // Log-uniform: about a third of the draws in each decade.
    const lowDecade = draws.filter((d) => d.optimizer.learningRate < 1e-3).length;
    expect(lowDecade).toBeGreaterThan(40);
    expect(lowDecade).toBeLessThan(95);
    expect(base.optimizer).toEqual({ name: 'adam', beta1: 0.9 }); // not changed in place
  });

  it('sets dotted paths through missing or non-object values', () => {
    expect(withPath({}, 'a.b.c', 1)).toEqual({ a: { b: { c: 1 } } });
    expect(withPath({ a: 3 }, 'a.b', 1)).toEqual({ a: { b: 1 } });
  });
});
