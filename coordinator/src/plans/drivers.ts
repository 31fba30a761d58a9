import type { BatchSpec } from '@nfl-grid/shared/api/batch';
import type { BatchPlan, PlanKind } from '@nfl-grid/shared/api/batch-plans';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import type { ExpandedUnit } from '../queue/expand-batch';
import type { PlanDriver } from './driver';
import { ensembleDriver } from './ensemble';
import { federatedDriver } from './federated';
import { halvingDriver } from './halving';

const DRIVERS: { [K in PlanKind]: PlanDriver<Extract<BatchPlan, { kind: K }>> } = {
  halving: halvingDriver,
  federated: federatedDriver,
  ensemble: ensembleDriver,
};

export const planDriver = (kind: PlanKind): PlanDriver => DRIVERS[kind] as PlanDriver;

/** Stage 0 of a staged batch, as its driver expands the spec. */
export function initialUnits(driver: PlanDriver, spec: BatchSpec, kernel: Kernel): ExpandedUnit[] {
  return driver.initialUnits(spec as BatchSpec & { plan: BatchPlan }, kernel);
}
