import { z } from 'zod';

/**
 * Multi-seed ensembles over leave-one-season-out folds: the members of each fold are combined
 * into one model once they are all in.
 * (Placeholder shape: the ensemble plan's fields are defined with its driver.)
 */
export const EnsemblePlan = z.strictObject({
  kind: z.literal('ensemble'),
});
export type EnsemblePlan = z.infer<typeof EnsemblePlan>;
