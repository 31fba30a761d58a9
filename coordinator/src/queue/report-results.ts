import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import { claimedCreditSql } from '../credit/credit-math';
import { DEFAULT_CPU_ESTIMATE_MULTIPLE } from '../config';
import type { Db } from '../db/index';
import { movableTo, REPLICA } from './states';

export interface ReportedResult {
  replicaId: number;
  output: unknown;
  outputSha256: string;
  cpuSeconds: number;
  elapsedSeconds: number;
  steps: number;
  backend?: 'tfjs-node-gpu' | 'wasm' | 'cpu';
}

/**
 * Slack on the wall-time and estimate bounds, seconds: the agent rounds its times, and a WU may
 * have a near-zero estimate.
 */
const CPU_GRACE_SECONDS = 1;

/**
 * The benchmark the estimate bound assumes at least, FLOPS: a host that reports a tiny benchmark
 * would otherwise stretch its bound at will (real cores measure 1e8–1e10 in the agent's benchmark).
 */
const MIN_BENCHMARK_FLOPS = 1e8;

/**
 * Records a packet of results from one host in one transaction. Only replicas this host holds
 * (in progress, or timed out, and not handed on to a replica resuming from their checkpoint)
 * are accepted; each accepted result marks its WU for validation. Returns the accepted replica
 * ids; the rest are refused.
 *
 * A CPU-time claim is stored bounded: no more than the wall time since the replica was sent
 * times the host's cores (from its hello), and no more than `cpuEstimateMultiple` times the WU's
 * cost estimate on the host's benchmark (taken as at least MIN_BENCHMARK_FLOPS). The raw claim
 * is kept beside it, and a packet with cut claims leaves one `host.cpu_claim_cut` event.
 */
export async function reportResults(
  db: Db, hostId: string, benchmarkFlops: number, results: ReportedResult[], cpuEstimateMultiple = DEFAULT_CPU_ESTIMATE_MULTIPLE,
): Promise<{ replicaId: number; wuId: number }[]> {
  const payload = JSON.stringify(results.map((r) => ({
    id: r.replicaId, output: r.output ?? null, sha: r.outputSha256, cpu: r.cpuSeconds, elapsed: r.elapsedSeconds, steps: r.steps, backend: r.backend ?? null,
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
        AS d(id int8, output jsonb, sha text, cpu float8, elapsed float8, steps int4, backend text)
    ), host AS (
      SELECT CASE WHEN jsonb_typeof(hardware->'cores') = 'number' THEN GREATEST((hardware->>'cores')::float8, 1) ELSE 1 END AS cores
        FROM hosts WHERE id = ${hostId}
    ), bounded AS (
      SELECT d.*, r.id AS replica_id,
             LEAST(d.cpu,
                   (GREATEST(extract(epoch FROM now() - r.sent_at), 0) + ${CPU_GRACE_SECONDS}) * host.cores,
                   ${cpuEstimateMultiple}::float8 * w.cost_estimate / ${Math.max(benchmarkFlops, MIN_BENCHMARK_FLOPS)}::float8 + ${CPU_GRACE_SECONDS}) AS cpu_bounded
        FROM d JOIN replicas r ON r.id = d.id JOIN work_units w ON w.id = r.wu_id CROSS JOIN host
    ), upd AS (
      UPDATE replicas r
         SET state = 'reported', output = b.output, output_sha256 = b.sha, cpu_seconds = b.cpu_bounded, cpu_seconds_claimed = b.cpu,
             elapsed_seconds = b.elapsed, steps = b.steps, backend = b.backend, reported_at = now(), progress = 100,
             claimed_credit = ${claimedCreditSql(sql`b.cpu_bounded`, sql`${benchmarkFlops}::float8`, sql`cw.cost_estimate`)}
        FROM bounded b, work_units cw
       WHERE r.id = b.replica_id AND cw.id = r.wu_id AND r.host_id = ${hostId} AND r.state IN ${movableTo(REPLICA, 'reported')} AND cw.state NOT IN ('failed', 'cancelled')
         -- a replica whose checkpoint another replica resumed from has handed its work on
         AND NOT EXISTS (SELECT 1 FROM replicas x WHERE x.resumed_from = r.id)
      RETURNING r.id, r.wu_id, b.cpu AS claimed, b.cpu_bounded AS stored
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
    ), cut AS (
      INSERT INTO events (kind, subject, data)
      SELECT 'host.cpu_claim_cut', ${hostId}::text,
             jsonb_build_object('replicas', jsonb_agg(upd.id ORDER BY upd.id), 'claimedSeconds', sum(upd.claimed), 'countedSeconds', sum(upd.stored))
        FROM upd WHERE upd.claimed > upd.stored
      HAVING count(*) > 0
      RETURNING id
    )
    SELECT upd.id, upd.wu_id FROM upd`);
  });
  return rows.map((r) => ({ replicaId: r.id, wuId: r.wu_id }));
}
