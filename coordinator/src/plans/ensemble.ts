import type { EnsemblePlan } from '@nfl-grid/shared/api/plans/ensemble';
import { BadRequest } from '../errors';
import type { PlanDriver } from './driver';

export const ensembleDriver: PlanDriver<EnsemblePlan> = {
  kind: 'ensemble',
  initialUnits() {
    throw new BadRequest('plan kind ensemble is not available yet', 'plan.kind', 'unsupported_plan');
  },
  stageDone() {
    return Promise.resolve({});
  },
};
