import type { ClaimTolerance } from '../../learn/rescore';
import type { TfBackend } from '../../learn/tf-backend';
import type { MlpArtifact } from '../../models/mlp-artifact';
import type { CoverMetrics } from '../cover/metrics';
import type { FeatureSet } from '../../learn/cover-rows';

/*
 * What a train.mlp@1 replica returns. Scores are rounded to 8 decimals; `claimed` is the
 * validation season's scores of the returned model (the best epoch), made in float32 by the
 * agent, and checked by re-scoring (mlp-validate.ts). `work` = examples × parameters, the unit
 * training is credited in.
 */
export interface TrainMlpOutput {
  model: MlpArtifact;
  featureSet: FeatureSet;
  testSeason: number;
  validationSeason: number;
  fitSeasons: number[];
  rows: { fit: number; validation: number };
  epochs: { epoch: number; trainLoss: number; validation: CoverMetrics }[];
  /** The epoch whose weights are returned (lowest validation log loss). */
  bestEpoch: number;
  /** Epochs trained (fewer than params.epochs after early stopping). */
  epochsRun: number;
  claimed: CoverMetrics & { season: number };
  examplesProcessed: number;
  parameterCount: number;
  work: number;
  /** Backends the epochs ran on, in order of first use (several after a resume elsewhere). */
  backends: TfBackend[];
}

/**
 * Two replicas of one WU (same seed, same rows) on different backends end with slightly different
 * weights: cpu and wasm differed by ≤ 2e-7 after 6 epochs on 100k rows, with claims equal to 8
 * decimals (docs/cover-training.md). The bounds leave room for GPU backends, not measured here.
 */
export const REPLICA_TOLERANCE: ClaimTolerance = { logLoss: 0.003, brier: 0.001, calibrationError: 0.01 };
