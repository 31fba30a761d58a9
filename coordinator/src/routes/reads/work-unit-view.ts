import { asc, eq } from 'drizzle-orm';
import { hosts, replicas, workUnits } from '../../db/schema/index';
import type { Grid } from '../../coordinator';

export type WorkUnitRow = typeof workUnits.$inferSelect;
export type ReplicaRow = typeof replicas.$inferSelect;

export function workUnitView(w: WorkUnitRow) {
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
  };
}

export function replicaView(r: ReplicaRow, hostName: string) {
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
    sentAt: r.sentAt,
    deadline: r.deadline,
    reportedAt: r.reportedAt,
  };
}

export async function replicasOf(grid: Grid, wuId: number) {
  const rows = await grid.db.orm.select({ r: replicas, hostName: hosts.name }).from(replicas)
    .innerJoin(hosts, eq(hosts.id, replicas.hostId)).where(eq(replicas.wuId, wuId)).orderBy(asc(replicas.id));
  return rows.map((x) => replicaView(x.r, x.hostName));
}
