import { sql } from 'drizzle-orm';
import type { Db } from '../db/index';

/**
 * Progress of the replicas a host is running, as its agent last reported it (percent done).
 * Only replicas still in progress on that host move; no state changes here.
 */
export async function recordReplicaProgress(db: Db, hostId: string, items: { replicaId: number; percent: number }[]): Promise<void> {
  if (items.length === 0) return;
  await db.rows(sql`
    UPDATE replicas r SET progress = d.percent
      FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS d("replicaId" int8, percent float8)
     WHERE r.id = d."replicaId" AND r.host_id = ${hostId} AND r.state = 'in_progress'`);
}
