import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import type { MessageOf, AgentMessage, AgentConfig } from '@nfl-grid/shared/protocol/messages';
import { releaseUnheldAtHello } from '../queue/release-unheld';
import type { Grid } from '../grid';
import type { ProvenHost } from './hello-proof';
import { gateKernels, type OutdatedKernel } from './version-gate';

export interface HelloOutcome {
  hostId: string;
  ownerId: string;
  kernels: string[];
  gpu: boolean;
  memoryMb: number;
  benchmarkFlops: number;
  publicKey: CryptoKey;
  config: AgentConfig;
  dropped: number[];
  /** A fresh credential, when the one presented is past half its life or expired. */
  credential: string | undefined;
  /** Kernels the agent runs but is too old for (config work.minAgentVersion): it gets none of their work. */
  outdated: OutdatedKernel[];
}

/**
 * Takes in a proven hello (hello-proof.ts): records what the agent says about itself, works out
 * which replicas it still holds that the coordinator no longer wants, and releases every other
 * in-progress replica of the host, so no work waits for a deadline on an agent that lost it.
 */
export async function handleHello(grid: Grid, who: ProvenHost, msg: MessageOf<AgentMessage, 'hello'>): Promise<HelloOutcome> {
  const { hostId, ownerId } = who;
  const { allowed: kernels, outdated } = gateKernels(msg.kernels.filter((k) => findKernel(k)), msg.agentVersion, grid.config.work.minAgentVersion);
  const gpu = msg.hardware.gpus.length > 0 && (msg.backend === 'tfjs-node-gpu');
  await grid.db.rows(sql`
    UPDATE hosts SET hardware = ${JSON.stringify(msg.hardware)}::jsonb, kernels = ${JSON.stringify(kernels)}::jsonb,
           gpu = ${gpu}, memory_mb = ${msg.hardware.memoryMb}, backend = ${msg.backend}, agent_version = ${msg.agentVersion},
           benchmark_flops = ${msg.benchmarkFlops}, intensity = ${msg.intensity}::intensity, online = true, last_contact = now()
     WHERE id = ${hostId}`);
  const released = await grid.db.transaction(async (tx) => {
    const rows = await releaseUnheldAtHello(tx, hostId, msg.holding);
    if (rows.length) {
      await tx.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('replicas.released', ${hostId}, ${JSON.stringify({ reason: 'not_held', replicas: rows.map((r) => r.id) })}::jsonb)`);
    }
    return rows.map((r) => r.id);
  });
  if (released.length) {
    grid.log.component('gateway').info('replicas the host no longer holds were released', { host: hostId, replicas: released });
    grid.wakeScheduler();
  }
  let dropped: number[] = [];
  if (msg.holding.length) {
    const live = await grid.db.rows<{ id: number }>(sql`
      SELECT id FROM replicas WHERE host_id = ${hostId} AND state IN ('in_progress', 'timed_out')
         AND id = ANY(${int8Array(msg.holding)})`);
    const keep = new Set(live.map((r) => r.id));
    dropped = msg.holding.filter((id) => !keep.has(id));
  }
  return {
    hostId, ownerId, kernels, gpu, memoryMb: msg.hardware.memoryMb, benchmarkFlops: msg.benchmarkFlops,
    publicKey: who.publicKey,
    config: {
      intensity: msg.intensity,
      paused: who.status === 'paused',
      checkpointIntervalSeconds: grid.config.agentDefaults.checkpointIntervalSeconds,
      progressIntervalSeconds: grid.config.agentDefaults.progressIntervalSeconds,
    },
    dropped,
    credential: await renewedCredential(grid, who),
    outdated,
  };
}

/** A new credential once the current one is past half its life (or expired: the key proof held). */
async function renewedCredential(grid: Grid, who: ProvenHost): Promise<string | undefined> {
  const { issuedAt, expiresAt, expired } = who.credential;
  const halfLife = issuedAt + (expiresAt - issuedAt) / 2;
  if (!expired && Date.now() / 1000 < halfLife) return undefined;
  grid.log.component('gateway').info('host credential renewed', { host: who.hostId, expired });
  return grid.keys.issueHostCredential(who.hostId, who.ownerId);
}
