import { z } from 'zod';
import { DEFAULT_RESAMPLES, MAX_RESAMPLES, MIN_RESAMPLES, type CombinedFigures } from '../combine/combine';

/*
 * `GET /api/v1/batches/:id/combined`: a batch's work units merged into batch-level figures with
 * bootstrap intervals (shared/src/combine). Query values arrive as strings, so numbers are
 * coerced; unknown keys are refused, so a misspelt option is not silently ignored.
 */

export const CombinedQuery = z.strictObject({
  /** Bootstrap resamples B. */
  resamples: z.coerce.number().int().min(MIN_RESAMPLES).max(MAX_RESAMPLES).default(DEFAULT_RESAMPLES),
  /** Confidence level of the percentile intervals. */
  level: z.coerce.number().gt(0.5).lt(1).default(0.95),
  /** Seed of the resampling: the same seed and results give the same intervals. */
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
  /** csv: one row per group × item (team, figure), as results' long form. */
  format: z.enum(['json', 'csv']).default('json'),
});
export type CombinedQuery = z.output<typeof CombinedQuery>;
export type CombineRequest = Omit<CombinedQuery, 'format'>;

/**
 * `GET /api/v1/batches/:id/combined/progress`: a merge of the batch under way on this coordinator
 * (waiting behind another merge, reading the outputs, pooling them, resampling chunk by chunk,
 * finishing), or `running: false`.
 */
export type CombineProgress = (
  | { phase: 'waiting' | 'reading' | 'pooling' | 'finishing' }
  | { phase: 'resampling'; done: number; total: number }
) & { startedAt: number; elapsedMs: number };

/** The response body. */
export interface CombinedBatch extends CombinedFigures {
  batchId: string;
  batchState: 'open' | 'done' | 'cancelled';
  kernel: string;
  /** Work units of the batch; `results` of them have validated results, `included` were merged. */
  wuCount: number;
  /** Every work unit of the batch is merged: the figures are final. */
  complete: boolean;
  computedAt: string;
  /** Time the merge took (on a cache miss). */
  computeMs: number;
  /** Served from the cache of earlier merges of the same results and options. */
  cached: boolean;
}
