import { z } from 'zod';

/**
 * Data-parallel rounds (federated averaging): each WU of a round trains on one shard from the
 * round's global weights; the averaged weights open the next round.
 * (Placeholder shape: the federated plan's fields are defined with its driver.)
 */
export const FederatedPlan = z.strictObject({
  kind: z.literal('federated'),
});
export type FederatedPlan = z.infer<typeof FederatedPlan>;
