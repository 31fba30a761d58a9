import type { HalvingPlan } from '@nfl-grid/shared/api/plans/halving';
import { BadRequest } from '../errors';
import type { PlanDriver } from './driver';

export const halvingDriver: PlanDriver<HalvingPlan> = {
  kind: 'halving',
  initialUnits() {
    throw new BadRequest('plan kind halving is not available yet', 'plan.kind', 'unsupported_plan');
  },
  stageDone() {
    return Promise.resolve({});
  },
};
