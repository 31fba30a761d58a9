import { z } from 'zod';
import type { BatchSpecInput } from './batch';

/*
 * The training-queue API researchers already script against (`/api/training/*`): a "job" is a
 * batch. Its submit body is a thin, snake_case-friendly front for BatchSpec.
 */

/** Named priority levels those clients send, as BatchSpec priorities. */
const PRIORITY_LEVELS = { low: -100, normal: 0, high: 100, urgent: 500 } as const;

export const TrainingSubmitBody = z.object({
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
  const priority = typeof b.priority === 'string' ? PRIORITY_LEVELS[b.priority] : b.priority;
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
