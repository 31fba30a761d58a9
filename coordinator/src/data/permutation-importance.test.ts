import { describe, expect, it } from 'vitest';
import { clippedLogLoss } from '@nfl-grid/shared/kernels/cover/metrics';
import { Rng } from '@nfl-grid/shared/math/rng';
import { permutationImportance, shuffledIndex } from './permutation-importance';
import { samplePlays } from './explain-features';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** 400 rows of (a, b, c); the label follows a alone. */
function table() {
  const rng = Rng.create(7);
  const n = 400, x = new Float64Array(n * 3), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[i * 3] = rng.normal(); x[i * 3 + 1] = rng.normal(); x[i * 3 + 2] = rng.normal();
    y[i] = rng.next() < sigmoid(2 * x[i * 3]!) ? 1 : 0;
  }
  return { x, y, n, names: ['a', 'b', 'c'] };
}

describe('permutation importance', () => {
  it('gives exactly 0 to a column the model does not read, and a positive figure to the one it does', async () => {
    const t = table();
    const model = (r: Float64Array) => sigmoid(2 * r[0]! + 0.3 * r[2]!);
    const r = await permutationImportance(t, model, 4, 11);
    let l0 = 0;
    for (let i = 0; i < t.n; i++) l0 += clippedLogLoss(model(t.x.subarray(i * 3, i * 3 + 3)), t.y[i]!);
    expect(r.logLoss).toBeCloseTo(l0 / t.n, 12);
    const [a, b, c] = r.features;
    expect(b).toEqual({ feature: 'b', importance: 0, sd: 0, repeats: [0, 0, 0, 0] });
    expect(a!.importance).toBeGreaterThan(0.2);
    expect(a!.repeats).toHaveLength(4);
    expect(a!.sd).toBeGreaterThan(0);
    expect(c!.importance).toBeGreaterThan(0);
    expect(c!.importance).toBeLessThan(a!.importance);
  });

  it('is reproducible from the seed, and each column has its own stream', async () => {
    const t = table();
    const model = (r: Float64Array) => sigmoid(r[0]! - r[1]!);
    const one = await permutationImportance(t, model, 3, 5);
    expect(await permutationImportance(t, model, 3, 5)).toEqual(one);
    expect((await permutationImportance(t, model, 3, 6)).features[0]!.importance).not.toBe(one.features[0]!.importance);
    // column a alone: the same figures as with b beside it
    const onlyA = await permutationImportance({ ...t, names: ['a'], x: Float64Array.from({ length: t.n }, (_, i) => t.x[i * 3]!) }, (r) => sigmoid(r[0]! - 0), 3, 5);
    const aWithB = await permutationImportance(t, (r) => sigmoid(r[0]!), 3, 5);
    expect(onlyA.features[0]!.repeats).toEqual(aWithB.features[0]!.repeats);
  });

  it('shuffles into a permutation and samples without replacement, in order', () => {
    const p = shuffledIndex(1000, Rng.create(3));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const s = samplePlays(Array.from({ length: 500 }, (_, i) => i), 50, 9);
    expect(s).toHaveLength(50);
    expect(new Set(s).size).toBe(50);
    expect([...s].sort((x, y) => x - y)).toEqual(s);
    expect(samplePlays([1, 2, 3], 50, 9)).toEqual([1, 2, 3]);
  });
});
