import type { FederatedPlan } from '@nfl-grid/shared/api/plans/federated';
import { BadRequest } from '../errors';
import type { PlanDriver } from './driver';

export const federatedDriver: PlanDriver<FederatedPlan> = {
  kind: 'federated',
  initialUnits() {
    throw new BadRequest('plan kind federated is not available yet', 'plan.kind', 'unsupported_plan');
  },
  stageDone() {
    return Promise.resolve({});
  },
};
