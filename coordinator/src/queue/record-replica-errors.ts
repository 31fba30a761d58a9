import { sql } from 'drizzle-orm';
import { QUOTA_SCALE_SQL } from '../credit/host-reliability';
import { int8Array } from '../db/arrays';
import type { Db } from '../db/index';
import { reissued } from './reissue';
import { live, movableTo, REPLICA, WU } from './states';

export interface ReplicaFailure {
  replicaId: number;
  /** `errored`: the kernel failed on the host; `abandoned`: the host gave it back. */
  state: 'errored' | 'abandoned';
  code: string;
  message: string;
}

/**
 * Records replicas a host could not finish. Each frees a slot for a new replica (within
 * max_total_replicas); errors also count toward the WU's max_error_replicas.
 */
export async function recordReplicaFailures(db: Db, hostId: string, failures: ReplicaFailure[]): Promise<{ id: number; wu_id: number; state: string }[]> {
  const payload = JSON.stringify(failures.map((f) => ({ id: f.replicaId, st: f.state, code: f.code.slice(0, 64), msg: f.message.slice(0, 2000) })));
  return db.transaction(async (tx) => {
    // Work units first, in id order (the lock order every transition follows).
    await tx.rows(sql`
      SELECT id FROM work_units
       WHERE id IN (SELECT wu_id FROM replicas WHERE host_id = ${hostId} AND id = ANY(${int8Array(failures.map((f) => f.replicaId))}))
       ORDER BY id FOR UPDATE`);
    return tx.rows<{ id: number; wu_id: number; state: string }>(sql`
    WITH d AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS d(id int8, st text, code text, msg text)
    ), upd AS (
      UPDATE replicas r SET state = d.st::replica_state, error_code = d.code, error_message = d.msg, reported_at = now()
        FROM d WHERE r.id = d.id AND r.host_id = ${hostId} AND r.state IN ${movableTo(REPLICA, 'errored')}
      RETURNING r.id, r.wu_id, r.state
    ), per_wu AS (
      SELECT wu_id, count(*)::int AS n, (count(*) FILTER (WHERE state = 'errored'))::int AS errs FROM upd GROUP BY wu_id
    ), wu AS (
      UPDATE work_units w
         SET error_replicas = w.error_replicas + c.errs,
             replicas_needed = ${reissued(sql`c.n`)},
             updated_at = now()
        FROM per_wu c
       WHERE w.id = c.wu_id AND w.state IN ${live(WU)}
      RETURNING w.id
    ), quota AS (
      -- A kernel error halves the host's daily quota (a give-back does not).
      UPDATE hosts h SET quota_scale = ${sql.raw(QUOTA_SCALE_SQL('h.quota_scale', '0', 'e.n'))}
        FROM (SELECT count(*)::int AS n FROM upd WHERE state = 'errored') e
       WHERE h.id = ${hostId} AND e.n > 0
      RETURNING h.id
    )
    SELECT id, wu_id, state::text AS state FROM upd`);
  });
}
