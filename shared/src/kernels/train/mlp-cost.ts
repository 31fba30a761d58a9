import { GAMESTATE_SEASONS } from '../../data/gamestate/datasets';
import { FEATURE_SETS } from '../../learn/cover-rows';
import { parameterCount, type MlpShape } from '../../learn/mlp-tf';
import type { TrainMlpParams } from './mlp-params';

/*
 * What a train.mlp@1 run costs, in the floating-point operations every kernel's estimate and
 * credit are counted in: the estimate before the run (from the params) and the work a result
 * shows was done (from its epochs and rows), by the same rule.
 */

/** Plays per season (the gamestate seasons hold 42.8k–45.1k kept plays) for cost estimates. */
const PLAYS_PER_SEASON = 44_500;
/**
 * Measured with scripts/bench-train.ts on the cpu backend of a 2-core VM, batches of 512: a
 * training example costs about 0.015 µs per parameter plus 3 µs of per-batch overhead shared out
 * (97 to 9,729 parameters), counted as 1,000 flops per µs like the other kernels. The wasm
 * backend is 1.3× faster at 97 parameters and 4–7× from about 900 (docs/cover-training.md).
 * Reading and parsing ten seasons: about 1 s.
 */
const FLOPS_PER_EXAMPLE_PARAM = 15;
const FLOPS_PER_EXAMPLE = 3_000;
const FLOPS_SETUP = 1e9;

export const shapeOf = (p: TrainMlpParams): MlpShape =>
  ({ inputs: FEATURE_SETS[p.featureSet].length, hidden: p.hidden, activation: p.activation });

function rowsEstimate(p: TrainMlpParams): { fit: number; validation: number } {
  const all = (GAMESTATE_SEASONS.length - 2) * PLAYS_PER_SEASON;
  const fit = Math.ceil(Math.min(all, p.maxRows ?? all) / (p.shard?.count ?? 1));
  return { fit, validation: Math.min(PLAYS_PER_SEASON, p.maxRows ?? PLAYS_PER_SEASON) };
}

/** Flops of training `examples` rows and scoring `scored` rows with a network of `params` parameters. */
export const trainingFlops = (examples: number, scored: number, params: number): number =>
  FLOPS_SETUP + examples * (params * FLOPS_PER_EXAMPLE_PARAM + FLOPS_PER_EXAMPLE) + scored * (params * 2 + FLOPS_PER_EXAMPLE);

/** The estimate for a whole run: every epoch trained on all fit rows and scored on the validation rows. */
export function costEstimateOf(p: TrainMlpParams): number {
  const rows = rowsEstimate(p);
  return trainingFlops(p.epochs * rows.fit, p.epochs * rows.validation, parameterCount(shapeOf(p)));
}
