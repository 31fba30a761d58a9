import { COVER_CLIP, coverMetrics, type CoverMetrics } from '../kernels/cover/metrics';
import { mlpForward, type MlpArtifact } from '../models/mlp-artifact';
import { coverRows, type CoverRows } from './cover-rows';
import type { CoverPlay } from '../data/gamestate/plays';
import { timeShare } from '../data/gamestate/features';
import { BASELINE_SIGMA, coverProbability } from '../kernels/cover/baseline';

/*
 * Re-scoring a returned cover model, the check a training result has to pass (training is not
 * bit-reproducible across backends, so weights are not compared; what they score is). The
 * coordinator runs the network with the plain forward pass (float64, no TensorFlow.js) over rows
 * it chose, and compares what the agent claimed with what it finds, metric by metric:
 *
 *   SAME_ROWS_TOLERANCE  the claim is re-scored on the very rows it was made on (the validation
 *                        season). The agent scored in float32 and rounds to 8 decimals: measured
 *                        gaps are below 1e-8. Log loss and Brier 2e-5; calibration error 5e-4, as
 *                        a forecast on a bin edge may fall on the other side (one play of 40k
 *                        moves it by up to ~5e-5). Any false claim fails.
 *   HELD_OUT_MARGIN      on a season the agent never received, the network is judged against the
 *                        analytic baseline (σ = BASELINE_SIGMA) on the same plays: it may be worse
 *                        by at most log loss 0.02, Brier 0.008 and calibration error 0.03. Seasons
 *                        differ by themselves (the baseline's season log losses span 0.467–0.525),
 *                        so the claim made on the validation season is not compared with the
 *                        held-out figures: an honest network scored 0.4721 on 2015 and 0.5339 on
 *                        2016, where the baseline scores 0.5252. Random or poisoned weights score
 *                        log loss ≥ 0.6 and fail.
 */

export interface ClaimTolerance {
  logLoss: number;
  brier: number;
  calibrationError: number;
}

export const SAME_ROWS_TOLERANCE: ClaimTolerance = { logLoss: 2e-5, brier: 2e-5, calibrationError: 5e-4 };
export const HELD_OUT_MARGIN: ClaimTolerance = { logLoss: 0.02, brier: 0.008, calibrationError: 0.03 };

export type ClaimedMetrics = Pick<CoverMetrics, 'logLoss' | 'brier' | 'calibrationError'>;

export interface ClaimCheck {
  ok: boolean;
  /** One line per metric outside its tolerance. */
  failures: string[];
}

/** Forecasts of the model for each row (the rows' features must be the model's, in order). */
function forecasts(model: MlpArtifact, rows: CoverRows): Float64Array {
  if (rows.features.join() !== model.features.join()) {
    throw new Error(`rescore: rows have features [${rows.features.join(', ')}], the model [${model.features.join(', ')}]`);
  }
  const k = rows.features.length, p = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++) p[i] = mlpForward(model, Array.from(rows.x.subarray(i * k, (i + 1) * k)));
  return p;
}

/** Log loss (clipped 1e-6), Brier and calibration error of the model on these rows. */
export function rescoreRows(model: MlpArtifact, rows: CoverRows, clip = COVER_CLIP): CoverMetrics {
  return coverMetrics(forecasts(model, rows), rows.y, clip);
}

/** The model's forecast for each play, as re-scoring makes it (the registry's held-out figures). */
export function forecastPlays(model: MlpArtifact, plays: readonly CoverPlay[]): Float64Array {
  return forecasts(model, coverRows(plays, model.features));
}

/** The same from plays (the held-out season as parsed by the gamestate parser). */
export function rescorePlays(model: MlpArtifact, plays: readonly CoverPlay[], clip = COVER_CLIP): CoverMetrics {
  return rescoreRows(model, coverRows(plays, model.features), clip);
}

/** Whether every claimed metric is within its tolerance of the re-scored one (a NaN never is). */
export function checkClaim(claimed: ClaimedMetrics, rescored: ClaimedMetrics, tolerance: ClaimTolerance): ClaimCheck {
  const failures: string[] = [];
  for (const m of ['logLoss', 'brier', 'calibrationError'] as const) {
    const gap = Math.abs(claimed[m] - rescored[m]);
    if (!(gap <= tolerance[m])) failures.push(`${m}: claimed ${claimed[m]}, re-scored ${rescored[m]} (tolerance ${tolerance[m]})`);
  }
  return { ok: failures.length === 0, failures };
}

/** The analytic baseline's scores on these plays: the yardstick of a held-out season. */
export function baselineScores(plays: readonly CoverPlay[], clip = COVER_CLIP): CoverMetrics {
  const p = Float64Array.from(plays, (x) => coverProbability(x.lead, x.line, timeShare(x.secondsLeft), BASELINE_SIGMA));
  return coverMetrics(p, Uint8Array.from(plays, (x) => x.covered), clip);
}

/** Fails each metric on which `model` is worse than `yardstick` by more than the margin (lower is better for all three). */
export function checkNotWorse(model: ClaimedMetrics, yardstick: ClaimedMetrics, margin: ClaimTolerance): ClaimCheck {
  const failures: string[] = [];
  for (const m of ['logLoss', 'brier', 'calibrationError'] as const) {
    if (!(model[m] - yardstick[m] <= margin[m])) failures.push(`${m}: ${model[m]}, the analytic baseline ${yardstick[m]} (margin ${margin[m]})`);
  }
  return { ok: failures.length === 0, failures };
}
