import { z } from 'zod';
import { EnsemblePlan } from './plans/ensemble';
import { FederatedPlan } from './plans/federated';
import { HalvingPlan } from './plans/halving';

/*
 * A batch with a plan runs in stages: stage 0 is what the spec expands to (or what the plan's
 * driver makes of it); when every WU of a stage has been taken in, the plan's driver
 * (coordinator/src/plans/) reads their canonical outputs and opens the next stage in the same
 * batch, or ends the plan.
 */
export const BatchPlan = z.discriminatedUnion('kind', [HalvingPlan, FederatedPlan, EnsemblePlan]);
export type BatchPlan = z.infer<typeof BatchPlan>;
export type PlanKind = BatchPlan['kind'];
