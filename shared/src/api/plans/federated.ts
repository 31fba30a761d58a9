import { z } from 'zod';

/**
 * Data-parallel rounds (federated averaging) of train.mlp@1: each round is `shards` WUs, each
 * training `params.epochs` local epochs on one shard of the fit rows from the round's global
 * weights; the coordinator averages the returned weights (weighted by examples), scores the
 * average on the validation rows, and opens the next round, until `rounds` rounds are done or
 * the averaged validation log loss has not improved for `patience` rounds. The best round's
 * average is offered to the model registry.
 */
export const FederatedPlan = z.strictObject({
  kind: z.literal('federated'),
  shards: z.number().int().min(2).max(64),
  rounds: z.number().int().min(1).max(200),
  /** Stop after this many rounds without a lower averaged validation log loss. */
  patience: z.number().int().min(1).max(200).optional(),
  /** An improvement smaller than this does not count as one. */
  minDelta: z.number().min(0).max(1).default(0),
});
export type FederatedPlan = z.infer<typeof FederatedPlan>;
