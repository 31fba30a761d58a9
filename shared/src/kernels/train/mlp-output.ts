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
 * Two replicas of one WU on different backends (same seed, same rows) end with slightly different
 * weights; their validation scores differ far less than these (measured cpu vs wasm: see
 * docs/cover-training.md), while a model trained on other rows, or not trained, differs more.
 */
export const REPLICA_TOLERANCE: ClaimTolerance = { logLoss: 0.003, brier: 0.001, calibrationError: 0.01 };
