import { z } from 'zod';
import { BatchPlan } from './batch-plans';
import { SearchSpec } from './search';

/** Quorum policy of every WU in a batch (DESIGN.md "work unit"). */
export const QuorumPolicy = z.strictObject({
  minQuorum: z.number().int().min(1).max(16).default(2),
  targetReplicas: z.number().int().min(1).max(32).optional(),
  maxErrorReplicas: z.number().int().min(0).max(64).default(3),
  maxTotalReplicas: z.number().int().min(1).max(64).default(8),
  delayBoundSeconds: z.number().int().min(5).max(30 * 86400).default(3600),
  /** Allow well-proven hosts to take the WU unreplicated (with random spot checks). */
  adaptive: z.boolean().default(true),
}).refine((p) => (p.targetReplicas ?? p.minQuorum) >= p.minQuorum, { message: 'targetReplicas must be at least minQuorum', path: ['targetReplicas'] })
  .refine((p) => p.maxTotalReplicas >= (p.targetReplicas ?? p.minQuorum), { message: 'maxTotalReplicas must be at least targetReplicas', path: ['maxTotalReplicas'] });
export type QuorumPolicy = z.infer<typeof QuorumPolicy>;

export const MAX_WUS_PER_BATCH = 100_000;

const Params = z.record(z.string(), z.unknown());

/**
 * A researcher's submission. The WUs are the cartesian product of `grid` over `params`, or
 * `search.samples` random draws from `search.space` over `params` (times `replicates` seeds
 * each), or the explicit list `units`; with none of them, one WU of `params`.
 */
export const BatchSpec = z.strictObject({
  name: z.string().min(1).max(200),
  /** `name` (newest version) or `name@version`. */
  kernel: z.string().min(1).max(100).regex(/^[a-z][a-z0-9_.-]*(@[0-9]+)?$/, 'expected a kernel name or name@version'),
  priority: z.number().int().min(-1000).max(1000).default(0),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  params: Params.default({}),
  grid: z.record(z.string(), z.array(z.unknown()).min(1).max(10_000)).optional(),
  replicates: z.number().int().min(1).max(MAX_WUS_PER_BATCH).default(1),
  search: SearchSpec.optional(),
  units: z.array(z.strictObject({ params: Params, seed: z.number().int().min(0).max(2 ** 32 - 1).optional() })).min(1).max(MAX_WUS_PER_BATCH).optional(),
  policy: QuorumPolicy.default({ minQuorum: 2, maxErrorReplicas: 3, maxTotalReplicas: 8, delayBoundSeconds: 3600, adaptive: true }),
  /** Run the batch in stages (shared/src/api/batch-plans.ts). */
  plan: BatchPlan.optional(),
}).refine((b) => !(b.grid && b.units), { message: 'give either grid or units, not both', path: ['units'] })
  .refine((b) => !(b.search && (b.grid || b.units)), { message: 'give one of grid, search or units', path: ['search'] });
export type BatchSpec = z.infer<typeof BatchSpec>;
export type BatchSpecInput = z.input<typeof BatchSpec>;
