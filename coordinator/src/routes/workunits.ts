import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { SerialIdParam } from '@nfl-grid/shared/api/ids';
import type { ReplicaView, WorkUnitView } from '@nfl-grid/shared/api/console-types';
import { canSee, requireAuth } from '../auth/access';
import { batches, hosts, replicas, workUnits } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

/* Work units and their replicas: the views both routes (and a batch's work-unit list) answer with. */

export type WorkUnitRow = typeof workUnits.$inferSelect;
export type ReplicaRow = typeof replicas.$inferSelect;

export function workUnitView(w: WorkUnitRow): WorkUnitView {
  return {
    id: w.id,
    batchId: w.batchId,
    seq: w.seq,
    kernel: `${w.kernel}@${w.kernelVersion}`,
    state: w.state,
    params: w.params,
    seed: w.seed,
    inputs: w.inputs,
    costEstimate: w.costEstimate,
    totalSteps: w.totalSteps,
    priority: w.priority,
    needsGpu: w.needsGpu,
    policy: {
      minQuorum: w.minQuorum, targetReplicas: w.targetReplicas, maxErrorReplicas: w.maxErrorReplicas,
      maxTotalReplicas: w.maxTotalReplicas, delayBoundSeconds: w.delayBoundSeconds, adaptive: w.adaptive,
    },
    replicasSent: w.replicasSent,
    replicasReported: w.replicasReported,
    errorReplicas: w.errorReplicas,
    canonicalReplicaId: w.canonicalReplicaId,
    reason: w.reason,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    finishedAt: w.finishedAt,
    reopened: w.reopenCount ? { count: w.reopenCount, at: w.reopenedAt!, reason: w.reopenReason ?? '' } : null,
  };
}

function replicaView(r: ReplicaRow, hostName: string): ReplicaView {
  return {
    id: r.id,
    wuId: r.wuId,
    host: { id: r.hostId, name: hostName },
    state: r.state,
    validateState: r.validateState,
    claimedCredit: r.claimedCredit,
    grantedCredit: r.grantedCredit,
    outputSha256: r.outputSha256,
    cpuSeconds: r.cpuSeconds,
    elapsedSeconds: r.elapsedSeconds,
    steps: r.steps,
    progress: r.progress,
    spotCheck: r.spotCheck,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    check: (r.check ?? null) as ReplicaView['check'],
    sentAt: r.sentAt,
    deadline: r.deadline,
    reportedAt: r.reportedAt,
  };
}

async function replicasOf(grid: Grid, wuId: number) {
  const rows = await grid.db.orm.select({ r: replicas, hostName: hosts.name }).from(replicas)
    .innerJoin(hosts, eq(hosts.id, replicas.hostId)).where(eq(replicas.wuId, wuId)).orderBy(asc(replicas.id));
  return rows.map((x) => replicaView(x.r, x.hostName));
}

export function workUnitsRoutes(grid: Grid) {
  return new Hono()
    .get('/workunits/:id',
      describeRoute({ summary: 'A work unit with its replicas: host, state, validation, credit, output hash, times' }),
      requireAuth(grid), zv('param', SerialIdParam),
      async (c) => {
        const [row] = await grid.db.orm.select({ w: workUnits, ownerId: batches.ownerId }).from(workUnits)
          .innerJoin(batches, eq(batches.id, workUnits.batchId)).where(eq(workUnits.id, c.req.valid('param').id)).limit(1);
        if (!row || !canSee(c.get('user'), row.ownerId)) throw new NotFound('work unit', 'id');
        return c.json({ ...workUnitView(row.w), replicas: await replicasOf(grid, row.w.id) });
      });
}

export function replicasRoutes(grid: Grid) {
  return new Hono()
    .get('/replicas/:id',
      describeRoute({ summary: 'One replica (a copy of a work unit sent to one host), with its output' }),
      requireAuth(grid), zv('param', SerialIdParam),
      async (c) => {
        const [row] = await grid.db.orm.select({ r: replicas, hostName: hosts.name, batchId: batches.id, ownerId: batches.ownerId })
          .from(replicas)
          .innerJoin(hosts, eq(hosts.id, replicas.hostId))
          .innerJoin(workUnits, eq(workUnits.id, replicas.wuId))
          .innerJoin(batches, eq(batches.id, workUnits.batchId))
          .where(eq(replicas.id, c.req.valid('param').id)).limit(1);
        if (!row || !canSee(c.get('user'), row.ownerId)) throw new NotFound('replica', 'id');
        return c.json({ ...replicaView(row.r, row.hostName), batchId: row.batchId, output: row.r.output });
      });
}
