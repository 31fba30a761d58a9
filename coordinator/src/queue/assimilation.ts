import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { familySql, trustedSql, type TrustPolicy } from '../credit/trust';

/*
 * The assimilator's queue: finished (done or failed) work units not yet taken in. The marker is
 * durable (work_units.assimilated_at), so whatever the validator finished is found again after a
 * crash, and a work unit is assimilated once: locked SKIP LOCKED, marked in the same transaction
 * as its results.
 *
 * A solo result (a WU validated at quorum one on a trusted host's word) waits for its host's
 * standing: it is taken in only while the host is still trusted in the WU's kernel family and
 * every spot check of that host in that family sent before the solo result came back has been
 * decided (valid; an invalid one is a catch, and the catch re-opens the solo WU). A check that
 * ended without a result (timed out, errored, given back) holds nothing. A solo result whose
 * host is no longer trusted is not taken in at all: soloResultsToReopen finds it for re-opening.
 */

/** The solo condition on `w`: validated at quorum one although its policy asks for more. */
export const SOLO = sql`w.state = 'done' AND w.min_quorum = 1 AND w.base_quorum > 1`;

export interface FinishedWu {
  id: number;
  batchId: string;
  state: 'done' | 'failed';
}

/** Locks up to `limit` finished, unassimilated WUs (skipping ones another assimilator holds). */
export async function lockUnassimilated(tx: Tx, limit: number, trust: TrustPolicy): Promise<FinishedWu[]> {
  const rows = await tx.rows<{ id: number; batch_id: string; state: 'done' | 'failed' }>(sql`
    SELECT w.id, w.batch_id, w.state::text AS state FROM work_units w
     WHERE w.state IN ('done', 'failed') AND w.assimilated_at IS NULL
       AND NOT (${SOLO} AND EXISTS (
         SELECT 1 FROM replicas c
          WHERE c.id = w.canonical_replica_id
            AND (NOT ${trustedSql(sql`c.host_id`, familySql(sql`w.kernel`), trust)}
                 OR EXISTS (SELECT 1 FROM replicas s JOIN work_units sw ON sw.id = s.wu_id
                             WHERE s.host_id = c.host_id AND s.spot_check AND s.sent_at <= c.reported_at
                               AND ${familySql(sql`sw.kernel`)} = ${familySql(sql`w.kernel`)}
                               AND (s.state = 'in_progress'
                                    OR (s.state = 'reported' AND s.validate_state IN ('pending', 'inconclusive')))))))
     ORDER BY w.id
     LIMIT ${limit}
     FOR UPDATE SKIP LOCKED`);
  return rows.map((r) => ({ id: r.id, batchId: r.batch_id, state: r.state }));
}

/** Marks WUs assimilated (in the transaction that stored what they produced). */
export async function markAssimilated(tx: Tx, wuIds: number[]): Promise<void> {
  if (wuIds.length === 0) return;
  await tx.rows(sql`UPDATE work_units SET assimilated_at = now() WHERE id = ANY(${int8Array(wuIds)}) AND assimilated_at IS NULL`);
}

/** Done solo WUs, not yet taken in, whose host is no longer trusted in their family: to be re-opened. */
export async function soloResultsToReopen(tx: Tx, limit: number, trust: TrustPolicy): Promise<{ wuId: number; hostId: string }[]> {
  const rows = await tx.rows<{ id: number; host_id: string }>(sql`
    SELECT w.id, c.host_id FROM work_units w JOIN replicas c ON c.id = w.canonical_replica_id
     WHERE ${SOLO} AND w.assimilated_at IS NULL
       AND NOT ${trustedSql(sql`c.host_id`, familySql(sql`w.kernel`), trust)}
     ORDER BY w.id LIMIT ${limit}`);
  return rows.map((r) => ({ wuId: Number(r.id), hostId: r.host_id }));
}
