import { sql } from 'drizzle-orm';
import type { QuorumPolicy } from '@nfl-grid/shared/api/batch';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import type { Tx } from '../db/index';

const INSERT_CHUNK = 5000;

/** One WU to store: what differs per WU. */
export interface NewWorkUnit {
  seq: number;
  stage: number;
  params: Record<string, unknown>;
  seed: number;
  inputs: { name: string; sha256: string }[];
  cost: number;
  steps: number;
}

/**
 * Inserts pending WUs of one batch: the rows a submit makes, and the next stage a plan opens
 * (coordinator/src/plans/). Policy, priority and the kernel's needs are the batch's.
 */
export async function insertWorkUnits(
  tx: Tx, batch: { id: string; priority: number; policy: QuorumPolicy }, kernel: Kernel, rows: NewWorkUnit[],
): Promise<void> {
  const p = batch.policy;
  const target = p.targetReplicas ?? p.minQuorum;
  // What differs per WU travels as one JSON parameter per chunk; the rest is the batch's.
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.rows(sql`
      INSERT INTO work_units (batch_id, seq, stage, kernel, kernel_version, kernel_ref, params, seed, inputs, cost_estimate, total_steps,
                              priority, needs_gpu, prefers_gpu, min_memory_mb, min_quorum, base_quorum, target_replicas, max_error_replicas,
                              max_total_replicas, delay_bound_seconds, adaptive, replicas_needed)
      SELECT ${batch.id}::uuid, d.seq, d.stage, ${kernel.name}, ${kernel.version}::int, ${`${kernel.name}@${kernel.version}`}, d.params, d.seed, d.inputs,
             d.cost, d.steps, ${batch.priority}::int, ${kernel.capabilities.gpu === 'required'}::boolean,
             ${kernel.capabilities.gpu === 'optional'}::boolean, ${kernel.capabilities.minMemoryMb}::int,
             ${p.minQuorum}::int, ${p.minQuorum}::int, ${target}::int, ${p.maxErrorReplicas}::int, ${p.maxTotalReplicas}::int,
             ${p.delayBoundSeconds}::int, ${p.adaptive}::boolean, ${target}::int
        FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + INSERT_CHUNK))}::jsonb)
          AS d(seq int, stage int, params jsonb, seed int8, inputs jsonb, cost float8, steps int)
       ORDER BY d.seq`);
  }
}
