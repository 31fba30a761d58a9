import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Db } from '../db/index';

/*
 * Suspension: a volunteer stopped the agent (Ctrl+C, a shutdown) and it kept its replicas,
 * checkpointed, to finish after its restart. Such a replica stays in_progress and assigned to the
 * host (every count of live replicas still sees it), with `suspended_until` set: the transitioner
 * times it out then (time-out-replicas.ts) rather than at its deadline, and reissues it. The
 * host's next hello holding it clears the mark (release-unheld.ts); a hello without it releases it.
 */

/** Marks the host's in-progress replicas among `replicaIds` suspended; returns those marked. */
export async function suspendReplicas(db: Db, hostId: string, replicaIds: readonly number[], graceSeconds: number): Promise<number[]> {
  const rows = await db.rows<{ id: number }>(sql`
    UPDATE replicas SET suspended_until = LEAST(deadline, now() + make_interval(secs => ${graceSeconds}))
     WHERE host_id = ${hostId} AND id = ANY(${int8Array(replicaIds)}) AND state = 'in_progress'
    RETURNING id`);
  const ids = rows.map((r) => Number(r.id));
  if (ids.length) {
    await db.rows(sql`INSERT INTO events (kind, subject, data)
      VALUES ('replicas.suspended', ${hostId}, ${JSON.stringify({ replicas: ids, graceSeconds })}::jsonb)`);
  }
  return ids;
}
