/*
 * Pearson chi-square tests.
 *
 *  - Independence in an r × c contingency table: Eᵢⱼ = (row i total)(column j total)/N,
 *    X² = Σ (Oᵢⱼ − Eᵢⱼ)²/Eᵢⱼ on (r − 1)(c − 1) df. For a 2 × 2 table the Yates continuity
 *    correction (Yates 1934) replaces |O − E| by max(0, |O − E| − ½) — R's chisq.test clamps the
 *    same way (min(½, |O − E|) is subtracted).
 *  - Goodness of fit of counts to probabilities: Eᵢ = N pᵢ, X² on k − 1 − ddof df (ddof = number
 *    of parameters estimated from the data).
 *
 * Counts need not be integers (weighted counts are fine) but must be finite and ≥ 0.
 */
import { StatsError } from '../math/errors';
import { chiSquareSf } from './chi-square';
import { requireFinite, requireInteger, requireSample } from '../math/validate';

export interface ChiSquareResult {
  statistic: number;
  df: number;
  pValue: number;
  n: number;
  expected: number[][];
  /** Pearson residuals (O − E)/√E. */
  residuals: number[][];
  yates: boolean;
}

export interface GoodnessOfFitResult {
  statistic: number;
  df: number;
  pValue: number;
  n: number;
  expected: number[];
}

function requireCounts(name: string, xs: readonly number[]): void {
  requireSample(name, xs);
  xs.forEach((v, i) => { if (v < 0) throw new StatsError('bad_table', `${name}[${i}] = ${v} is negative`); });
}

export function chiSquareIndependence(table: readonly (readonly number[])[], opts: { yates?: boolean } = {}): ChiSquareResult {
  if (!Array.isArray(table as unknown) || table.length === 0) throw new StatsError('empty_sample', 'contingency table is empty');
  const r = table.length;
  const c = Array.isArray(table[0] as unknown) ? table[0].length : 0;
  table.forEach((row, i) => {
    if (!Array.isArray(row as unknown) || row.length !== c) throw new StatsError('bad_table', `row ${i} has ${Array.isArray(row as unknown) ? row.length : 0} cells, expected ${c}`);
    requireCounts(`table[${i}]`, row);
  });
  if (r < 2 || c < 2) throw new StatsError('bad_table', `table is ${r}×${c}; at least 2×2 needed`);
  const yates = opts.yates ?? false;
  if (yates && (r !== 2 || c !== 2)) throw new StatsError('bad_argument', `Yates correction applies to 2×2 tables, not ${r}×${c}`);

  const rowSums = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: c }, (_, j) => table.reduce((s, row) => s + row[j], 0));
  const n = rowSums.reduce((s, v) => s + v, 0);
  rowSums.forEach((s, i) => { if (s === 0) throw new StatsError('bad_table', `row ${i} is all zero: expected counts 0`); });
  colSums.forEach((s, j) => { if (s === 0) throw new StatsError('bad_table', `column ${j} is all zero: expected counts 0`); });

  const expected = rowSums.map((rs) => colSums.map((cs) => (rs * cs) / n));
  let statistic = 0;
  const residuals = table.map((row, i) => row.map((o, j) => {
    const e = expected[i][j];
    const dev = yates ? Math.max(0, Math.abs(o - e) - 0.5) : o - e;
    statistic += (dev * dev) / e;
    return (o - e) / Math.sqrt(e);
  }));
  const df = (r - 1) * (c - 1);
  return { statistic, df, pValue: chiSquareSf(statistic, df), n, expected, residuals, yates };
}

export interface GoodnessOfFitOptions {
  /** Cell probabilities (sum 1 within 1e-9); default equal. */
  probabilities?: readonly number[];
  /** Parameters estimated from the data; df = k − 1 − ddof. */
  ddof?: number;
}

export function chiSquareGoodnessOfFit(observed: readonly number[], opts: GoodnessOfFitOptions = {}): GoodnessOfFitResult {
  requireCounts('observed', observed);
  const k = observed.length;
  if (k < 2) throw new StatsError('too_small', 'goodness of fit needs at least 2 categories');
  const probs = opts.probabilities ?? observed.map(() => 1 / k);
  requireSample('probabilities', probs);
  probs.forEach((p, i) => { if (p < 0 || p > 1) throw new StatsError('bad_argument', `probabilities[${i}] = ${p} is outside [0, 1]`); });
  if (probs.length !== k) throw new StatsError('bad_argument', `${probs.length} probabilities for ${k} categories`);
  const psum = probs.reduce((s, v) => s + v, 0);
  if (Math.abs(psum - 1) > 1e-9) throw new StatsError('bad_argument', `probabilities sum to ${psum}, not 1`);
  probs.forEach((p, i) => { if (p === 0) throw new StatsError('bad_argument', `probabilities[${i}] is 0: expected count 0`); });
  const ddof = opts.ddof ?? 0;
  requireInteger('ddof', ddof, 0);
  const df = k - 1 - ddof;
  if (df < 1) throw new StatsError('too_small', `df = ${k} − 1 − ${ddof} < 1`);
  const n = observed.reduce((s, v) => s + v, 0);
  if (n === 0) throw new StatsError('bad_table', 'all observed counts are 0');
  requireFinite('total count', n);
  const expected = probs.map((p) => n * p);
  let statistic = 0;
  observed.forEach((o, i) => { statistic += (o - expected[i]) ** 2 / expected[i]; });
  return { statistic, df, pValue: chiSquareSf(statistic, df), n, expected };
}
