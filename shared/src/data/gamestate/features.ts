import type { CoverPlay } from './plays';

/*
 * Features of a game state for the cover-probability models, all from the favourite's side.
 *
 *   secondsLeft   seconds still to play (the overtime clock in overtime; plays.ts)
 *   t             secondsLeft / 3600, the share of a game's time left
 *   lead          favourite's score − underdog's, before the play
 *   line          points the favourite gives (> 0)
 *   leadVsLine    lead − line·(1 − t): how far the favourite is ahead of the share of the line the
 *                 market expected it to have earned by now (0 at kickoff; lead − line at the end)
 *   coverZ        leadVsLine / √max(t, 1/3600), clipped to ±100: the same gap scaled by the
 *                 square root of the time left, so the baseline's probability is Φ(coverZ/σ);
 *                 t is floored at one second so the last snap stays finite
 *   favoriteBall  1 the favourite has the ball, −1 the underdog, 0 unknown (posteam blank)
 *   yardline100   yards from the opponent's end zone, from the possessing team's side
 *   down, ydstogo down and distance; missing on kickoffs, PATs and untimed rows
 *   hasDown       1 when down and distance are present, else 0
 *
 * featureVector gives these in FEATURE_NAMES order with NaN for a missing value; a Scaler fitted
 * on training rows only (mean and population sd over the non-missing values) standardises them,
 * and a missing value becomes 0, the training mean.
 */

export const SECONDS_PER_GAME = 3600;
export const MIN_T = 1 / SECONDS_PER_GAME;
export const COVER_Z_LIMIT = 100;

export const FEATURE_NAMES = ['t', 'lead', 'line', 'leadVsLine', 'coverZ', 'favoriteBall', 'yardline100', 'down', 'ydstogo', 'hasDown'] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export type CoverState = Pick<CoverPlay, 'secondsLeft' | 'lead' | 'line' | 'favoriteHasBall' | 'yardline100' | 'down' | 'ydstogo'>;

export interface CoverFeatures {
  secondsLeft: number;
  t: number;
  lead: number;
  line: number;
  leadVsLine: number;
  coverZ: number;
  favoriteBall: -1 | 0 | 1;
  yardline100: number | null;
  down: number | null;
  ydstogo: number | null;
  hasDown: 0 | 1;
}

export const timeShare = (secondsLeft: number): number => secondsLeft / SECONDS_PER_GAME;

/** lead − line·(1 − t). */
export const leadVsLine = (lead: number, line: number, t: number): number => lead - line * (1 - t);

/** (lead − line·(1 − t)) / √max(t, 1/3600), clipped to ±COVER_Z_LIMIT. */
export function coverZ(lead: number, line: number, t: number): number {
  const z = leadVsLine(lead, line, t) / Math.sqrt(Math.max(t, MIN_T));
  return Math.max(-COVER_Z_LIMIT, Math.min(COVER_Z_LIMIT, z));
}

export function coverFeatures(s: CoverState): CoverFeatures {
  const t = timeShare(s.secondsLeft);
  const hasDown = s.down !== null && s.ydstogo !== null;
  return {
    secondsLeft: s.secondsLeft, t, lead: s.lead, line: s.line,
    leadVsLine: leadVsLine(s.lead, s.line, t), coverZ: coverZ(s.lead, s.line, t),
    favoriteBall: s.favoriteHasBall === null ? 0 : s.favoriteHasBall ? 1 : -1,
    yardline100: s.yardline100, down: hasDown ? s.down : null, ydstogo: hasDown ? s.ydstogo : null, hasDown: hasDown ? 1 : 0,
  };
}

/** FEATURE_NAMES order; NaN marks a missing value. */
export function featureVector(s: CoverState): number[] {
  const f = coverFeatures(s);
  return FEATURE_NAMES.map((k) => f[k] ?? NaN);
}

export interface Scaler {
  names: readonly string[];
  mean: number[];
  /** Population sd over the training values; 1 where a column is constant or all missing. */
  sd: number[];
}

/** Means and sds of each column over training rows, ignoring NaN. */
export function fitScaler(rows: readonly (readonly number[])[], names: readonly string[] = FEATURE_NAMES): Scaler {
  const k = names.length;
  const n = new Array<number>(k).fill(0), sum = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) if (!Number.isNaN(r[j])) { n[j]++; sum[j] += r[j]; }
  const mean = sum.map((s, j) => (n[j] > 0 ? s / n[j] : 0));
  const ss = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) if (!Number.isNaN(r[j])) ss[j] += (r[j] - mean[j]) ** 2;
  const sd = ss.map((s, j) => (n[j] > 0 && s > 0 ? Math.sqrt(s / n[j]) : 1));
  return { names: [...names], mean, sd };
}

/** (x − mean) / sd per column; a missing (NaN) value becomes 0. */
export function standardise(scaler: Scaler, row: readonly number[]): number[] {
  if (row.length !== scaler.mean.length) throw new Error(`standardise: ${row.length} values for ${scaler.mean.length} columns`);
  return row.map((x, j) => (Number.isNaN(x) ? 0 : (x - scaler.mean[j]) / scaler.sd[j]));
}
