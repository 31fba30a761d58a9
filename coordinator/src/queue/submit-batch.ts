import { sql } from 'drizzle-orm';
import type { BatchSpec } from '@nfl-grid/shared/api/batch';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { findKernel, latestKernel, unknownKernelMessage } from '@nfl-grid/shared/kernels/registry';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import { batches, events } from '../db/schema/index';
import { BadRequest } from '../errors';
import type { Grid } from '../grid';
import { expandBatch } from './expand-batch';
import { insertWorkUnits } from './insert-work-units';
import { initialUnits, planDriver } from '../plans/drivers';

const ANALYZE_AFTER = 1000;

export function resolveKernel(ref: string): Kernel {
  const kernel = ref.includes('@') ? findKernel(ref) : latestKernel(ref);
  if (!kernel) throw new BadRequest(unknownKernelMessage(ref), 'kernel', 'unknown_kernel');
  return kernel;
}

/**
 * Stores a batch and all its work units in one transaction, then wakes the scheduler so idle
 * agents get the new work at once.
 */
export async function submitBatch(grid: Grid, ownerId: string, spec: BatchSpec): Promise<{ batchId: string; wuCount: number; estimatedHours: number }> {
  const kernel = resolveKernel(spec.kernel);
  const units = spec.plan ? initialUnits(planDriver(spec.plan.kind), spec, kernel) : expandBatch(spec, kernel);
  const p = spec.policy;
  const target = p.targetReplicas ?? p.minQuorum;
  const rows = await Promise.all(units.map(async (u) => ({
    seq: u.seq,
    stage: 0,
    params: u.params,
    seed: u.seed,
    inputs: await grid.inputs.resolve(datasetClosure(kernel.datasets(u.params as never))),
    cost: kernel.costEstimate(u.params as never),
    steps: kernel.totalSteps(u.params as never),
  })));
  // Reference host: 1 GFLOPS per core, as BOINC's cobblestone assumes.
  const estimatedHours = (rows.reduce((s, r) => s + r.cost, 0) / 1e9 / 3600) * target;

  const batchId = await grid.db.transaction(async (tx) => {
    const [batch] = await tx.orm.insert(batches).values({
      ownerId, name: spec.name, kernel: kernel.name, kernelVersion: kernel.version, priority: spec.priority,
      spec, wuCount: rows.length, estimatedHours,
    }).returning({ id: batches.id });
    await insertWorkUnits(tx, { id: batch!.id, priority: spec.priority, policy: p }, kernel, rows);
    await tx.orm.insert(events).values({ kind: 'batch.submitted', subject: batch!.id, actor: ownerId, data: { name: spec.name, kernel: `${kernel.name}@${kernel.version}`, wuCount: rows.length } });
    return batch!.id;
  });
  // A large insert leaves the planner's statistics behind; refresh them so claims keep using
  // the claim index rather than sorting the whole queue.
  if (rows.length >= ANALYZE_AFTER) {
    grid.db.rows(sql`ANALYZE work_units`).catch((e) => grid.log.component('queue').warn('analyze failed', { error: e as Error }));
  }
  grid.events.emit('batch.submitted', { batchId, wuCount: rows.length });
  grid.wakeScheduler();
  return { batchId, wuCount: rows.length, estimatedHours };
}
