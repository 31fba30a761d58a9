import { sql } from 'drizzle-orm';
import type { BatchSpec } from '@nfl-grid/shared/api/batch';
import type { BatchPlan } from '@nfl-grid/shared/api/batch-plans';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import type { z } from 'zod';
import { int8Array, uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';
import type { Grid } from '../grid';
import { insertWorkUnits, type NewWorkUnit } from '../queue/insert-work-units';
import { live, WU } from '../queue/states';
import { resolveKernel } from '../queue/submit-batch';
import type { StageWorkUnit } from './driver';
import { planDriver } from './drivers';

/** A stage a plan opened in this pass, for the log and the scheduler. */
export interface OpenedStage {
  batchId: string;
  stage: number;
  wuCount: number;
}

/** Raised when a plan's next stage would need data its previous stage did not have. */
export class PlanInputsError extends Error {
  readonly code = 'plan_inputs';
}

/*
 * Called by the assimilator, in its transaction, with the WUs it is taking in (not yet marked).
 * For each open staged batch among them: the batch row is locked (so of two coordinators'
 * passes one waits and then sees the other's WUs taken in), and when no WU of the batch's latest
 * stage is live or waiting to be taken in by another pass, the plan's driver reads that stage
 * and opens the next one in the same batch. finishBatches runs after this, so a batch that gets
 * a next stage stays open.
 */
export async function advancePlans(tx: Tx, grid: Grid, passWuIds: number[], batchIds: string[]): Promise<OpenedStage[]> {
  if (batchIds.length === 0) return [];
  const sorted = [...new Set(batchIds)].sort();
  const staged = await tx.rows<{ id: string; owner_id: string; name: string; priority: number; spec: BatchSpec; plan_state: unknown; kernel: string; kernel_version: number }>(sql`
    SELECT id, owner_id, name, priority, spec, plan_state, kernel, kernel_version FROM batches
     WHERE id = ANY(${uuidArray(sorted)}) AND state = 'open' AND spec ? 'plan'
     ORDER BY id
     FOR NO KEY UPDATE`);
  const opened: OpenedStage[] = [];
  for (const b of staged) {
    const [{ stage }] = await tx.rows<{ stage: number }>(sql`SELECT max(stage)::int AS stage FROM work_units WHERE batch_id = ${b.id}::uuid`);
    const [{ waiting }] = await tx.rows<{ waiting: boolean }>(sql`
      SELECT EXISTS (
        SELECT 1 FROM work_units
         WHERE batch_id = ${b.id}::uuid AND stage = ${stage}
           AND (state IN ${live(WU)} OR (assimilated_at IS NULL AND state <> 'cancelled' AND NOT id = ANY(${int8Array(passWuIds)})))
      ) AS waiting`);
    if (waiting) continue;
    const wus = await tx.rows<{ id: number; seq: number; state: StageWorkUnit['state']; params: Record<string, unknown>; seed: number; output: unknown; inputs: { name: string; sha256: string }[] }>(sql`
      SELECT w.id, w.seq, w.state::text AS state, w.params, w.seed, r.output, w.inputs
        FROM work_units w LEFT JOIN replicas r ON r.id = w.canonical_replica_id AND w.state = 'done'
       WHERE w.batch_id = ${b.id}::uuid AND w.stage = ${stage}
       ORDER BY w.seq`);
    const plan = b.spec.plan as BatchPlan;
    const outcome = await planDriver(plan.kind).stageDone(
      { tx, grid },
      { id: b.id, ownerId: b.owner_id, name: b.name, priority: b.priority, spec: b.spec, plan, state: b.plan_state },
      stage,
      wus.map(({ inputs: _, ...w }) => ({ ...w, output: w.output ?? null })),
    );
    const next = outcome.next ?? [];
    if (next.length === 0) {
      await tx.rows(sql`UPDATE batches SET plan_state = ${JSON.stringify(outcome.state ?? null)}::jsonb WHERE id = ${b.id}::uuid`);
      await tx.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('batch.plan_ended', ${b.id}, ${JSON.stringify({ stage })}::jsonb)`);
      continue;
    }
    const kernel = resolveKernel(`${b.kernel}@${b.kernel_version}`);
    // The next stage reads the data of the one before (a plan never widens its data), so its
    // inputs come from there and nothing is hashed inside the transaction.
    const known = new Map(wus.flatMap((w) => w.inputs).map((i) => [i.name, i]));
    const [{ seq }] = await tx.rows<{ seq: number }>(sql`SELECT max(seq)::int AS seq FROM work_units WHERE batch_id = ${b.id}::uuid`);
    const rows: NewWorkUnit[] = next.map((u, i) => {
      const params = (kernel.paramsSchema as z.ZodType).parse(u.params) as Record<string, unknown>;
      const inputs = datasetClosure(kernel.datasets(params as never)).map((name) => {
        const input = known.get(name);
        if (!input) throw new PlanInputsError(`stage ${stage + 1} of batch ${b.id} needs data set ${name}, which stage ${stage} did not use`);
        return input;
      });
      return { seq: seq + 1 + i, stage: stage + 1, params, seed: u.seed, inputs, cost: kernel.costEstimate(params as never), steps: kernel.totalSteps(params as never) };
    });
    await insertWorkUnits(tx, { id: b.id, priority: outcome.priority ?? b.priority, policy: b.spec.policy }, kernel, rows);
    const target = b.spec.policy.targetReplicas ?? b.spec.policy.minQuorum;
    const hours = (rows.reduce((s, r) => s + r.cost, 0) / 1e9 / 3600) * target;
    await tx.rows(sql`
      UPDATE batches SET wu_count = wu_count + ${rows.length}, estimated_hours = estimated_hours + ${hours},
                         plan_state = ${JSON.stringify(outcome.state ?? null)}::jsonb
       WHERE id = ${b.id}::uuid`);
    await tx.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('batch.stage_opened', ${b.id}, ${JSON.stringify({ stage: stage + 1, wuCount: rows.length })}::jsonb)`);
    opened.push({ batchId: b.id, stage: stage + 1, wuCount: rows.length });
  }
  return opened;
}
