import { z } from 'zod';

/**
 * Successive halving over a sweep: every configuration of the batch's grid starts for a few
 * epochs; at each rung the best share continues from its weights.
 * (Placeholder shape: the halving plan's fields are defined with its driver.)
 */
export const HalvingPlan = z.strictObject({
  kind: z.literal('halving'),
});
export type HalvingPlan = z.infer<typeof HalvingPlan>;
