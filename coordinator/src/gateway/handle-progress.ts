import { sql } from 'drizzle-orm';
import type { MessageOf, AgentMessage } from '@nfl-grid/shared/protocol/messages';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { CheckpointSignatureRejected, verifyCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import type { Grid } from '../grid';
import { recordReplicaProgress } from '../queue/record-progress';
import { recordHostSample } from './record-host-sample';
import type { AgentSession } from './agent-session';

/** Minimum gap between progress writes per host; agents may report more often. */
const PROGRESS_WRITE_MS = 1000;

/** Progress, intensity and sensor readings: kept on the host and its replicas for the console and `status`. */
export async function handleProgress(grid: Grid, session: AgentSession, msg: MessageOf<AgentMessage, 'progress'>): Promise<void> {
  const now = Date.now();
  if (now - session.lastProgressWrite < PROGRESS_WRITE_MS) return;
  session.lastProgressWrite = now;
  await grid.db.rows(sql`
    UPDATE hosts SET readings = ${JSON.stringify(msg.readings)}::jsonb, progress = ${JSON.stringify(msg.items)}::jsonb,
           intensity = ${msg.intensity}::intensity, last_contact = now(), online = true
     WHERE id = ${session.hostId}`);
  await recordReplicaProgress(grid.db, session.hostId, msg.items);
  await recordHostSample(grid.db, session.hostId, { intensity: msg.intensity, running: msg.items.length, readings: msg.readings });
}

/** Why a checkpoint upload was refused, and which field of the message it concerns. */
export interface CheckpointRefusal { code: string; message: string; field: string }

/**
 * A checkpoint upload: kept per WU (newest step wins) so a reissued replica can resume on
 * another host. The bytes must hash to the sha256 the agent names, and the host's signature must
 * cover exactly this WU, replica, kernel, step and sha256; the signature is kept with the bytes
 * and handed on with them.
 */
export async function handleCheckpoint(grid: Grid, session: AgentSession, msg: MessageOf<AgentMessage, 'checkpoint'>): Promise<CheckpointRefusal | null> {
  const bytes = Buffer.from(msg.data, 'base64');
  if ((await sha256Hex(new Uint8Array(bytes))) !== msg.sha256) return { code: 'checkpoint_refused', message: 'checkpoint data does not match its sha256', field: 'sha256' };
  const [held] = await grid.db.rows<{ wu_id: number; kernel_ref: string }>(sql`
    SELECT w.id AS wu_id, w.kernel_ref FROM replicas r JOIN work_units w ON w.id = r.wu_id
     WHERE r.id = ${msg.replicaId} AND r.host_id = ${session.hostId} AND r.state = 'in_progress'`);
  if (!held) return { code: 'checkpoint_refused', message: 'no such replica in progress on this host', field: 'replicaId' };
  try {
    await verifyCheckpoint(msg.signature, session.publicKey, {
      wuId: Number(held.wu_id), replicaId: msg.replicaId, hostId: session.hostId, kernel: held.kernel_ref, step: msg.step, sha256: msg.sha256,
    });
  } catch (e) {
    if (!(e instanceof CheckpointSignatureRejected)) throw e;
    return { code: 'checkpoint_bad_signature', message: e.message, field: 'signature' };
  }
  const rows = await grid.db.rows<{ wu_id: number }>(sql`
    INSERT INTO checkpoints (wu_id, replica_id, step, sha256, data, signature)
    SELECT r.wu_id, r.id, ${msg.step}, ${msg.sha256}, ${msg.data}, ${msg.signature} FROM replicas r
     WHERE r.id = ${msg.replicaId} AND r.host_id = ${session.hostId} AND r.state = 'in_progress'
    ON CONFLICT (wu_id) DO UPDATE SET replica_id = excluded.replica_id, step = excluded.step, sha256 = excluded.sha256,
           data = excluded.data, signature = excluded.signature, created_at = now()
     WHERE checkpoints.step <= excluded.step
    RETURNING wu_id`);
  return rows.length ? null : { code: 'checkpoint_refused', message: 'no such replica in progress on this host (or an older step)', field: 'replicaId' };
}
