import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { playsDataset, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { seasonPlaysDatasets } from '@nfl-grid/shared/kernels/cover/plays';
import type { CoverMetrics } from '@nfl-grid/shared/kernels/cover/metrics';
import { validationPlays } from '@nfl-grid/shared/kernels/train/mlp-data';
import { validationSeason, type TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import { baselineScores, checkNotWorse, HELD_OUT_MARGIN, rescorePlays, type ClaimCheck } from '@nfl-grid/shared/learn/rescore';
import { round } from '@nfl-grid/shared/math/round';
import type { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';

/*
 * The coordinator's scores of a federated round's averaged model, with the plain forward pass
 * (shared/src/learn/rescore.ts): on the validation rows every shard of the round validated on
 * (the round's figure, which the stopping rule reads), and at the end on the held-out test
 * season no shard received (the registry's figure, judged against the analytic baseline as a
 * single WU's result is).
 */

export type Scores = Pick<CoverMetrics, 'n' | 'logLoss' | 'brier' | 'calibrationError'>;

const r8 = (x: number) => round(x, 8);
const scoresOf = (m: CoverMetrics): Scores => ({ n: m.n, logLoss: r8(m.logLoss), brier: r8(m.brier), calibrationError: r8(m.calibrationError) });

/** The validation and test seasons of a fold, read once per process (the data files do not change while it runs). */
const foldData = new Map<string, KernelData>();
function dataFor(inputsDir: string, p: TrainMlpParams): KernelData {
  const key = `${inputsDir}\0${p.fold.testSeason}`;
  let data = foldData.get(key);
  if (!data) {
    data = loadLocalKernelData(inputsDir, seasonPlaysDatasets([validationSeason(p.fold.testSeason), p.fold.testSeason]));
    foldData.set(key, data);
  }
  return data;
}

/** The averaged model's scores on the validation rows the round's WUs had. */
export const validationScores = (inputsDir: string, p: TrainMlpParams, model: MlpArtifact): Scores =>
  scoresOf(rescorePlays(model, validationPlays(dataFor(inputsDir, p), p)));

/** The model's scores on the held-out test season, and whether they are within the margin of the analytic baseline's. */
export function heldOutScores(inputsDir: string, p: TrainMlpParams, model: MlpArtifact): { scores: Scores; check: ClaimCheck } {
  const plays = dataFor(inputsDir, p).dataset<ParsedPlays>(playsDataset(p.fold.testSeason)).rows;
  const scores = scoresOf(rescorePlays(model, plays));
  return { scores, check: checkNotWorse(scores, baselineScores(plays), HELD_OUT_MARGIN) };
}
