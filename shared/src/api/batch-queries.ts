import { z } from 'zod';
import { Paging } from './ids';

export const BatchState = z.enum(['open', 'done', 'cancelled']);
export const WuState = z.enum(['pending', 'running', 'validating', 'done', 'failed', 'cancelled']);

export const ListBatchesQuery = Paging.extend({ state: BatchState.optional() });
export const ListWorkUnitsQuery = Paging.extend({ state: WuState.optional() });
/** CSV is long by default (one row per work unit × item, no JSON in a cell); `wide` is one row per work unit. */
export const ResultsQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json'), shape: z.enum(['long', 'wide']).default('long') });
