import type { Grid } from '../grid';
import { relayToHost } from './relay';

/** Tells each host to stop the named replicas, wherever (on which coordinator) it is connected. */
export async function sendCancels(grid: Grid, replicas: { replicaId: number; hostId: string }[], reason: string): Promise<void> {
  const byHost = new Map<string, number[]>();
  for (const r of replicas) byHost.set(r.hostId, [...(byHost.get(r.hostId) ?? []), r.replicaId]);
  for (const [hostId, replicaIds] of byHost) {
    await relayToHost(grid, hostId, { type: 'cancel', replicaIds, reason });
  }
}
