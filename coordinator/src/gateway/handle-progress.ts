import { sql } from 'drizzle-orm';
import type { MessageOf, AgentMessage } from '@nfl-grid/shared/protocol/messages';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { Grid } from '../grid';
import { recordReplicaProgress } from '../queue/record-progress';
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
}

/**
 * A checkpoint upload: kept per WU (newest step wins) so a reissued replica can resume on
 * another host. The bytes must hash to the sha256 the agent names.
 */
export async function handleCheckpoint(grid: Grid, session: AgentSession, msg: MessageOf<AgentMessage, 'checkpoint'>): Promise<string | null> {
  const bytes = Buffer.from(msg.data, 'base64');
  if ((await sha256Hex(new Uint8Array(bytes))) !== msg.sha256) return 'checkpoint data does not match its sha256';
  const rows = await grid.db.rows<{ wu_id: number }>(sql`
    INSERT INTO checkpoints (wu_id, replica_id, step, sha256, data)
    SELECT r.wu_id, r.id, ${msg.step}, ${msg.sha256}, ${msg.data} FROM replicas r
     WHERE r.id = ${msg.replicaId} AND r.host_id = ${session.hostId} AND r.state = 'in_progress'
    ON CONFLICT (wu_id) DO UPDATE SET replica_id = excluded.replica_id, step = excluded.step, sha256 = excluded.sha256,
           data = excluded.data, created_at = now()
     WHERE checkpoints.step <= excluded.step
    RETURNING wu_id`);
  return rows.length ? null : 'no such replica in progress on this host (or an older step)';
}
