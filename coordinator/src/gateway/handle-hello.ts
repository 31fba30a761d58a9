import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import type { MessageOf, AgentMessage, AgentConfig } from '@nfl-grid/shared/protocol/messages';
import { importPublic } from '@nfl-grid/shared/signing/keys';
import { AppError } from '../errors';
import type { Grid } from '../grid';

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
}

/**
 * Checks an agent's hello (credential, host standing), records what the agent says about itself,
 * and works out which replicas it still holds that the coordinator no longer wants.
 */
export async function handleHello(grid: Grid, msg: MessageOf<AgentMessage, 'hello'>): Promise<HelloOutcome> {
  const { hostId, ownerId } = await grid.keys.verifyHostCredential(msg.token);
  const kernels = msg.kernels.filter((k) => findKernel(k));
  const gpu = msg.hardware.gpus.length > 0 && (msg.backend === 'tfjs-node-gpu');
  const [host] = await grid.db.rows<{ status: string; intensity: string; public_key: JsonWebKey; owner_id: string }>(sql`
    UPDATE hosts SET hardware = ${JSON.stringify(msg.hardware)}::jsonb, kernels = ${JSON.stringify(kernels)}::jsonb,
           gpu = ${gpu}, memory_mb = ${msg.hardware.memoryMb}, backend = ${msg.backend}, agent_version = ${msg.agentVersion},
           benchmark_flops = ${msg.benchmarkFlops}, intensity = ${msg.intensity}::intensity, online = true, last_contact = now()
     WHERE id = ${hostId}
    RETURNING status, intensity, public_key, owner_id`);
  if (!host || host.owner_id !== ownerId) throw new AppError(401, 'unknown_host', 'this host is not enrolled here');
  if (host.status === 'banned') throw new AppError(403, 'host_banned', 'this host is banned from the grid');
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
    publicKey: await importPublic(host.public_key as never),
    config: {
      intensity: msg.intensity,
      paused: host.status === 'paused',
      checkpointIntervalSeconds: grid.config.agentDefaults.checkpointIntervalSeconds,
      progressIntervalSeconds: grid.config.agentDefaults.progressIntervalSeconds,
    },
    dropped,
  };
}
