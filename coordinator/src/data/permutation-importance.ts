import { Rng } from '@nfl-grid/shared/math/rng';
import { clippedLogLoss } from '@nfl-grid/shared/kernels/cover/metrics';

/*
 * Permutation importance of each input column of a probability model, scored by log loss:
 *
 *   L0        mean clipped log loss (metrics.ts) of the model on the rows as they are
 *   L(j, r)   the same with column j shuffled across rows (repeat r; the other columns and the
 *             labels stay in place)
 *   imp(j)    mean over repeats of L(j, r) − L0, with the sample sd over repeats (0 for one)
 *
 * A column the model does not read gives L(j, r) = L0 exactly, so importance 0. Feature j's
 * shuffles come from Rng(seed, stream j + 1), so its figures do not depend on how many other
 * columns there are. Predictions are computed in chunks between turns of the event loop.
 */

export interface ImportanceTable {
  /** n × k raw values, row-major. */
  x: Float64Array;
  y: ArrayLike<number>;
  n: number;
  names: readonly string[];
}

export interface FeatureImportance {
  feature: string;
  /** Mean increase in log loss when the column is shuffled. */
  importance: number;
  /** Sample sd of the increase across repeats. */
  sd: number;
  /** The increase of each repeat. */
  repeats: number[];
}

export interface ImportanceResult {
  logLoss: number;
  features: FeatureImportance[];
}

const CHUNK = 512;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
export function shuffledIndex(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!; p[i] = p[j]!; p[j] = t;
  }
  return p;
}

async function meanLoss(t: ImportanceTable, predict: (row: Float64Array) => number, column: number, perm: Uint32Array | null): Promise<number> {
  const k = t.names.length;
  const row = new Float64Array(k);
  let sum = 0;
  await nextTurn();
  for (let i = 0; i < t.n; i++) {
    if (i > 0 && i % CHUNK === 0) await nextTurn();
    for (let j = 0; j < k; j++) row[j] = t.x[i * k + j]!;
    if (perm) row[column] = t.x[perm[i]! * k + column]!;
    sum += clippedLogLoss(predict(row), t.y[i]!);
  }
  return sum / t.n;
}

export async function permutationImportance(t: ImportanceTable, predict: (row: Float64Array) => number, repeats: number, seed: number): Promise<ImportanceResult> {
  if (t.n < 2) throw new Error('permutationImportance: needs at least two rows');
  const base = await meanLoss(t, predict, -1, null);
  const features: FeatureImportance[] = [];
  for (let j = 0; j < t.names.length; j++) {
    const rng = Rng.create(seed, j + 1);
    const inc: number[] = [];
    for (let r = 0; r < repeats; r++) inc.push((await meanLoss(t, predict, j, shuffledIndex(t.n, rng))) - base);
    const mean = inc.reduce((a, b) => a + b, 0) / inc.length;
    const sd = inc.length > 1 ? Math.sqrt(inc.reduce((a, b) => a + (b - mean) ** 2, 0) / (inc.length - 1)) : 0;
    features.push({ feature: t.names[j]!, importance: mean, sd, repeats: inc });
  }
  return { logLoss: base, features };
}
