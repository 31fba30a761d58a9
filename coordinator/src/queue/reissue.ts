import { sql, type SQL } from 'drizzle-orm';
import { live, WU } from './states';

/*
 * Reissue: a replica that timed out, errored or was given back frees its slot, and its WU asks
 * for one more replica in its place, as long as max_total_replicas allows. The scheduler hands
 * the new ones out (claim-work); a WU that can no longer get enough is failed (fail-exhausted).
 */

/**
 * The new `replicas_needed` of work unit `w` (aliased so in the statement) after `lost` of its
 * replicas were lost: `UPDATE work_units w SET replicas_needed = ${reissued(sql`c.n`)} …`.
 */
export function reissued(lost: SQL): SQL {
  return sql`LEAST(w.replicas_needed + ${lost}, GREATEST(w.max_total_replicas - w.replicas_sent, 0))`;
}

/**
 * One statement around `lost`, an UPDATE of replicas that gives some up and returns
 * `r.id, r.wu_id, r.host_id`: each live WU that lost replicas asks for as many more (reissued),
 * and the lost replicas are the result (id, wu_id, host_id).
 */
export function reissueLost(lost: SQL): SQL {
  return sql`
    WITH upd AS (${lost}
    ), per_wu AS (
      SELECT wu_id, count(*)::int AS n FROM upd GROUP BY wu_id
    ), wu AS (
      UPDATE work_units w
         SET replicas_needed = ${reissued(sql`c.n`)},
             updated_at = now()
        FROM per_wu c
       WHERE w.id = c.wu_id AND w.state IN ${live(WU)}
      RETURNING w.id
    )
    SELECT id, wu_id, host_id::text AS host_id FROM upd`;
}
