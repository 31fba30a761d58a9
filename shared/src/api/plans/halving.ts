import { z } from 'zod';

/**
 * Successive halving over a sweep (train.mlp): every configuration of the batch (its `grid`,
 * `search` or `params`) trains `minEpochs` epochs at rung 0; at each rung the best 1/eta by
 * validation log loss continue from their returned weights, for eta times the epochs so far,
 * until a rung reaches `maxEpochs` (coordinator/src/plans/halving-rungs.ts).
 */
export const HalvingPlan = z.strictObject({
  kind: z.literal('halving'),
  /** Keep the best 1/eta at each rung; the epochs grow by eta. */
  eta: z.number().int().min(2).max(10).default(3),
  /** Epochs every configuration trains at rung 0. */
  minEpochs: z.number().int().min(1).max(500),
  /** Total epochs of the configurations at the last rung. */
  maxEpochs: z.number().int().min(1).max(500),
}).refine((p) => p.maxEpochs >= p.minEpochs, { message: 'maxEpochs must be at least minEpochs', path: ['maxEpochs'] });
export type HalvingPlan = z.infer<typeof HalvingPlan>;

/** One configuration's result at one rung. */
export interface HalvingEntry {
  configuration: number;
  wuId: number;
  /** The validated output's claimed validation log loss (re-scored by the coordinator); null if the WU failed. */
  validationLogLoss: number | null;
  bestEpoch: number | null;
  continued: boolean;
}

export interface HalvingRung {
  rung: number;
  /** Total epochs of each configuration at the end of this rung. */
  epochs: number;
  entries: HalvingEntry[];
}

/** batches.plan_state of a halving batch, as `GET /api/v1/batches/:id` returns it. */
export interface HalvingState {
  kind: 'halving';
  eta: number;
  /** Total epochs at the end of each rung. */
  rungEpochs: number[];
  /** The sampled or grid params of each configuration (without `epochs` and `init`). */
  configurations: Record<string, unknown>[];
  rungs: HalvingRung[];
  /** Configurations of the rung now running, in the order of its WUs. */
  running: number[];
  /** Lowest validation log loss at the last rung reached; set when the plan ends. */
  best: { configuration: number; validationLogLoss: number; epochs: number; wuId: number } | null;
}
