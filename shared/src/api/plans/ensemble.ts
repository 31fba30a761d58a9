import { z } from 'zod';

/**
 * Multi-seed ensembles over leave-one-season-out folds (kernel train.mlp@1): stage 0 trains
 * `members` seeds of the batch's params for each test season; when they are all in, the members of
 * each fold are combined into one model (nfl-grid.mlp-ensemble/1: the mean of their
 * probabilities, with a Platt layer fitted on the fold's validation season when `calibration` is
 * 'platt'), re-scored by the coordinator and offered to the registry. The plan has one stage.
 */
export const EnsemblePlan = z.strictObject({
  kind: z.literal('ensemble'),
  /** Held-out season of each fold (the driver checks them against the seasons the data has). */
  testSeasons: z.array(z.number().int()).min(1).max(32)
    .refine((s) => new Set(s).size === s.length, { message: 'test seasons must be distinct' }),
  /** Seeds (members) per fold. */
  members: z.number().int().min(1).max(32),
  calibration: z.enum(['none', 'platt']).default('platt'),
});
export type EnsemblePlan = z.infer<typeof EnsemblePlan>;
