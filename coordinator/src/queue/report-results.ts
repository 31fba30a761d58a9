import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import { claimedCreditSql } from '../credit/credit-math';
import type { Db } from '../db/index';
import { movableTo, REPLICA } from './states';

export interface ReportedResult {
  replicaId: number;
  output: unknown;
  outputSha256: string;
  cpuSeconds: number;
  elapsedSeconds: number;
  steps: number;
}

/**
 * Records a packet of results from one host in one transaction. Only replicas this host holds
 * (in progress, or timed out, and not handed on to a replica resuming from their checkpoint)
 * are accepted; each accepted result marks its WU for validation. Returns the accepted replica
 * ids; the rest are refused.
 */
export async function reportResults(db: Db, hostId: string, benchmarkFlops: number, results: ReportedResult[]): Promise<{ replicaId: number; wuId: number }[]> {
  const payload = JSON.stringify(results.map((r) => ({
    id: r.replicaId, output: r.output ?? null, sha: r.outputSha256, cpu: r.cpuSeconds, elapsed: r.elapsedSeconds, steps: r.steps,
  })));
  const rows = await db.transaction(async (tx) => {
    // Lock order everywhere: work units (by id), then replicas, then hosts, then batches.
    await tx.rows(sql`
      SELECT id FROM work_units
       WHERE id IN (SELECT wu_id FROM replicas WHERE host_id = ${hostId} AND id = ANY(${int8Array(results.map((r) => r.replicaId))}))
       ORDER BY id FOR UPDATE`);
    return tx.rows<{ id: number; wu_id: number }>(sql`
    WITH d AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb)
        AS d(id int8, output jsonb, sha text, cpu float8, elapsed float8, steps int4)
    ), upd AS (
      UPDATE replicas r
         SET state = 'reported', output = d.output, output_sha256 = d.sha, cpu_seconds = d.cpu,
             elapsed_seconds = d.elapsed, steps = d.steps, reported_at = now(), progress = 100,
             claimed_credit = ${claimedCreditSql(sql`d.cpu`, sql`${benchmarkFlops}::float8`, sql`cw.cost_estimate`)}
        FROM d, work_units cw
       WHERE r.id = d.id AND cw.id = r.wu_id AND r.host_id = ${hostId} AND r.state IN ${movableTo(REPLICA, 'reported')} AND cw.state NOT IN ('failed', 'cancelled')
         -- a replica whose checkpoint another replica resumed from has handed its work on
         AND NOT EXISTS (SELECT 1 FROM replicas x WHERE x.resumed_from = r.id)
      RETURNING r.id, r.wu_id
    ), per_wu AS (
      SELECT wu_id, count(*)::int AS n FROM upd GROUP BY wu_id
    ), wu AS (
      UPDATE work_units w
         SET replicas_reported = w.replicas_reported + c.n,
             needs_validation = true,
             -- A WU with a replica out is running (claim-work moved it), never pending.
             state = CASE WHEN w.state = 'running' AND w.replicas_reported + c.n >= w.min_quorum
                          THEN 'validating'::wu_state ELSE w.state END,
             updated_at = now()
        FROM per_wu c
       WHERE w.id = c.wu_id
      RETURNING w.id
    )
    SELECT upd.id, upd.wu_id FROM upd`);
  });
  return rows.map((r) => ({ replicaId: r.id, wuId: r.wu_id }));
}
