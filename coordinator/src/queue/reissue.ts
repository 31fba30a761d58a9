import { sql, type SQL } from 'drizzle-orm';

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
