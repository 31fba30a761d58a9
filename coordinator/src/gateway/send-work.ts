import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Grid } from '../grid';
import type { ClaimedReplica } from '../queue/claim-work';
import { markDelivered } from '../queue/release-unheld';
import type { AgentSession } from './agent-session';

/** What a claimed replica looks like inside a signed work packet. */
export function toWorkItem(c: ClaimedReplica): WorkItem {
  return {
    wuId: c.wu_id,
    replicaId: c.replica_id,
    kernel: `${c.kernel}@${c.kernel_version}`,
    params: c.params,
    seed: c.seed,
    inputs: c.inputs,
    costEstimate: c.cost_estimate,
    deadline: new Date(c.deadline).getTime(),
    resumeFrom: c.checkpoint_step === null ? null : {
      step: c.checkpoint_step,
      sha256: c.checkpoint_sha256!,
      maker: { hostId: c.checkpoint_host_id!, replicaId: Number(c.checkpoint_replica_id), publicKey: { kty: 'OKP', crv: 'Ed25519', x: c.checkpoint_public_key!.x } },
    },
  };
}

/**
 * Signs one packet of claimed replicas for the host (a compact JWS under the coordinator's key)
 * and sends it. False when the agent left while the packet was being made: nothing was sent.
 * Once sent, the replicas are marked delivered; a claim never marked so is released after a
 * restart (queue/release-unheld.ts).
 */
export async function sendWork(grid: Grid, session: AgentSession, claimed: ClaimedReplica[], rid?: string): Promise<boolean> {
  const jws = await grid.keys.signWork(session.hostId, claimed.map(toWorkItem));
  if (session.closed) return false;
  session.send({ type: 'work', jws, ...(rid ? { rid } : {}) });
  grid.log.component('gateway').debug('work sent', {
    host: session.hostId, rid: rid ?? null, replicas: claimed.map((c) => c.replica_id), wus: claimed.map((c) => c.wu_id),
  });
  await markDelivered(grid.db, claimed.map((c) => c.replica_id));
  return true;
}
