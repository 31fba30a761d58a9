import { z } from 'zod';
import type { BatchSpecInput } from './batch';

/*
 * The training-queue API researchers already script against (`/api/training/*`): a "job" is a
 * batch. Its submit body is a thin, snake_case-friendly front for BatchSpec.
 */

/** Named priority levels those clients send, as BatchSpec priorities. */
const PRIORITY_LEVELS = { low: -100, normal: 0, high: 100, urgent: 500 } as const;

export const TrainingSubmitBody = z.strictObject({
  name: z.string().min(1).max(200),
  /** Kernel name or name@version; `task_type` is the older spelling of the same thing. */
  kernel: z.string().min(1).max(100).optional(),
  task_type: z.string().min(1).max(100).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
  priority: z.union([z.number().int().min(-1000).max(1000), z.enum(['low', 'normal', 'high', 'urgent'])]).optional(),
  replicates: z.number().int().min(1).max(10_000).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
}).refine((b) => b.kernel !== undefined || b.task_type !== undefined, { message: 'give kernel (or task_type)', path: ['kernel'] })
  .refine((b) => b.kernel === undefined || b.task_type === undefined || b.kernel === b.task_type, { message: 'kernel and task_type disagree', path: ['task_type'] });
export type TrainingSubmitBody = z.infer<typeof TrainingSubmitBody>;

export function trainingToBatchSpec(b: TrainingSubmitBody): BatchSpecInput {
  const priority = priorityOf(b.priority);
  return {
    name: b.name,
    kernel: (b.kernel ?? b.task_type)!,
    params: b.params,
    ...(b.grid ? { grid: b.grid } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(b.replicates !== undefined ? { replicates: b.replicates } : {}),
    ...(b.seed !== undefined ? { seed: b.seed } : {}),
  };
}

/*
 * Seed 001's form of a submit: train one pre-game model family for a sport, walk-forward (one work
 * unit per test season, trained on the seasons before it) with kernel train.sport@1. `model_id`
 * continues a registry model: its family and sport are the model's, and its weights start the
 * run. Model types as seed 001 names them map onto the families the grid trains.
 */

export const SPORT_FAMILIES = ['logistic', 'mlp', 'gru', 'stacked'] as const;
export type SportFamily = (typeof SPORT_FAMILIES)[number];

/** Seed 001's model-type names (and the families' own) → the family trained. */
export const MODEL_TYPE_FAMILY: Record<string, SportFamily> = {
  logistic: 'logistic', statistical: 'logistic', logistic_regression: 'logistic',
  mlp: 'mlp', neural_network: 'mlp',
  gru: 'gru', lstm: 'gru', lstm_weather: 'gru', sequence: 'gru',
  stacked: 'stacked', ensemble: 'stacked',
};

const Season = z.number().int().min(2000).max(2100);

export const SportTrainingSubmitBody = z.strictObject({
  model_id: z.uuid('expected a registry model id').optional(),
  sport: z.string().max(20).transform((s) => s.toLowerCase()).pipe(z.enum(['nfl', 'nba'], 'sport must be NFL or NBA')),
  model_type: z.string().max(40).transform((s) => s.toLowerCase()).refine((s) => s in MODEL_TYPE_FAMILY, { message: `model_type must be one of ${Object.keys(MODEL_TYPE_FAMILY).join(', ')}` }),
  epochs: z.number().int().min(1).max(500).default(20),
  learning_rate: z.number().gt(0).max(1).default(0.01),
  batch_size: z.number().int().min(1).max(65_536).default(64),
  name: z.string().min(1).max(200).optional(),
  /** Seasons scored (each trained on the seasons before it); default the last three with results. */
  test_seasons: z.array(Season).min(1).max(30).optional(),
  priority: z.union([z.number().int().min(-1000).max(1000), z.enum(['low', 'normal', 'high', 'urgent'])]).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
});
export type SportTrainingSubmitBody = z.output<typeof SportTrainingSubmitBody>;

/** Keys that mark a body as seed 001's form rather than the kernel form. */
export const isSportSubmit = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && ['sport', 'model_type', 'model_id'].some((k) => k in raw);

export const priorityOf = (p: TrainingSubmitBody['priority']): number | undefined => (typeof p === 'string' ? PRIORITY_LEVELS[p] : p);
