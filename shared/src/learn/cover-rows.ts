import { FEATURE_NAMES, featureVector, fitScaler, type FeatureName } from '../data/gamestate/features';
import type { CoverPlay } from '../data/gamestate/plays';

/*
 * Plays as the rows a network learns from and is scored on: raw feature values of a chosen
 * feature set (NaN where missing) and the cover label, flat and row-major. The agent builds them
 * from the training seasons, the coordinator from the held-out season it re-scores on.
 *
 *   state  t, lead, line, leadVsLine, coverZ: what a live request gives (clock, score, line)
 *   full   every FEATURE_NAMES column (adds possession, field position, down and distance)
 */

export const FEATURE_SETS = {
  state: ['t', 'lead', 'line', 'leadVsLine', 'coverZ'],
  full: [...FEATURE_NAMES],
} as const satisfies Record<string, readonly FeatureName[]>;
export type FeatureSet = keyof typeof FEATURE_SETS;

export interface CoverRows {
  features: readonly string[];
  n: number;
  /** n × features.length raw values, row-major; NaN marks a missing value. */
  x: Float64Array;
  /** Cover label per row, 0 or 1. */
  y: Uint8Array;
}

/** Standardisation a model carries: x' = (x − mean) / sd, a missing value → 0. */
export interface ColumnScaler {
  mean: number[];
  sd: number[];
}

/** Indices of m rows spread evenly over n (all n when m ≥ n): floor(i·n/m). */
export function evenlySpaced(n: number, m: number): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
}

/** The rows of these plays for these features (names must be FEATURE_NAMES columns). */
export function coverRows(plays: readonly CoverPlay[], features: readonly string[]): CoverRows {
  const cols = features.map((f) => {
    const j = (FEATURE_NAMES as readonly string[]).indexOf(f);
    if (j < 0) throw new Error(`coverRows: unknown feature ${f}`);
    return j;
  });
  const k = cols.length, n = plays.length;
  const x = new Float64Array(n * k), y = new Uint8Array(n);
  plays.forEach((p, i) => {
    const v = featureVector(p);
    for (let j = 0; j < k; j++) x[i * k + j] = v[cols[j]];
    y[i] = p.covered;
  });
  return { features: [...features], n, x, y };
}

/** Means and population sds of each column (NaN ignored; sd 1 for a constant column). */
export function fitColumnScaler(rows: CoverRows): ColumnScaler {
  const k = rows.features.length, list: number[][] = [];
  for (let i = 0; i < rows.n; i++) list.push(Array.from(rows.x.subarray(i * k, (i + 1) * k)));
  const s = fitScaler(list, rows.features);
  return { mean: s.mean, sd: s.sd };
}

/** Standardised float32 copy of the rows' values, as the network reads them. */
export function standardised(rows: CoverRows, scaler: ColumnScaler): Float32Array {
  const k = rows.features.length, out = new Float32Array(rows.n * k);
  for (let i = 0; i < rows.n; i++) {
    for (let j = 0; j < k; j++) {
      const v = rows.x[i * k + j];
      out[i * k + j] = Number.isNaN(v) ? 0 : (v - scaler.mean[j]) / scaler.sd[j];
    }
  }
  return out;
}
