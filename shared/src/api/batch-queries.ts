import { z } from 'zod';
import { Paging } from './ids';

export const BatchState = z.enum(['open', 'done', 'cancelled']);
export const WuState = z.enum(['pending', 'running', 'validating', 'done', 'failed', 'cancelled']);

export const ListBatchesQuery = Paging.extend({ state: BatchState.optional() });
export const ListWorkUnitsQuery = Paging.extend({ state: WuState.optional() });
export const ResultsQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });
