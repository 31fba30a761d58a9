import { sql } from 'drizzle-orm';
import type { Grid } from '../../coordinator';

/*
 * The console's validation view: replicas that disagreed with their quorum (invalid), that have
 * not been settled yet (inconclusive), or that errored, newest first; and the hosts whose error
 * rate is high or rising (their share of bad replicas in the last hour against their lifetime).
 */

export interface ProblemReplica {
  id: number; wuId: number; seq: number; batchId: string; batchName: string; kernel: string; wuState: string;
  host: { id: string; name: string; owner: string };
  state: string; validateState: string; errorCode: string | null; errorMessage: string | null;
  outputSha256: string | null; reportedAt: string | null;
}

export interface HostErrorTrend {
  id: string; name: string; owner: string; status: string; online: boolean;
  errorRate: number; validCount: number; invalidCount: number; errorCount: number; timeoutCount: number; consecutiveValid: number;
  /** Bad (invalid, errored, timed out) replicas among those finished in the last hour. */
  recent: { bad: number; total: number };
  lifetimeBadShare: number;
  rising: boolean;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
/** A new host starts at this error rate (the hosts table default). */
const PRIOR_ERROR_RATE = 0.1;

export async function problemReplicas(grid: Grid, limit = 100): Promise<ProblemReplica[]> {
  const rows = await grid.db.rows<{
    id: number; wu_id: number; seq: number; batch_id: string; batch_name: string; kernel: string; kernel_version: number; wu_state: string;
    host_id: string; host_name: string; owner: string; state: string; validate_state: string; error_code: string | null; error_message: string | null;
    output_sha256: string | null; reported_at: Date | string | null;
  }>(sql`
    SELECT r.id, r.wu_id, w.seq, b.id AS batch_id, b.name AS batch_name, w.kernel, w.kernel_version, w.state AS wu_state,
           h.id AS host_id, h.name AS host_name, u.name AS owner, r.state, r.validate_state, r.error_code, r.error_message,
           r.output_sha256, r.reported_at
      FROM replicas r
      JOIN work_units w ON w.id = r.wu_id
      JOIN batches b ON b.id = w.batch_id
      JOIN hosts h ON h.id = r.host_id
      JOIN users u ON u.id = h.owner_id
     WHERE r.validate_state IN ('invalid', 'inconclusive') OR r.state = 'errored'
     ORDER BY r.id DESC
     LIMIT ${limit}`);
  return rows.map((r) => ({
    id: r.id, wuId: r.wu_id, seq: r.seq, batchId: r.batch_id, batchName: r.batch_name, kernel: `${r.kernel}@${r.kernel_version}`, wuState: r.wu_state,
    host: { id: r.host_id, name: r.host_name, owner: r.owner },
    state: r.state, validateState: r.validate_state, errorCode: r.error_code, errorMessage: r.error_message,
    outputSha256: r.output_sha256, reportedAt: iso(r.reported_at),
  }));
}

export async function hostErrorTrends(grid: Grid, limit = 20): Promise<HostErrorTrend[]> {
  const hosts = await grid.db.rows<{
    id: string; name: string; owner: string; status: string; online: boolean; error_rate: number; valid_count: number; invalid_count: number;
    error_count: number; timeout_count: number; consecutive_valid: number;
  }>(sql`
    SELECT h.id, h.name, u.name AS owner, h.status, h.online, h.error_rate, h.valid_count, h.invalid_count, h.error_count, h.timeout_count, h.consecutive_valid
      FROM hosts h JOIN users u ON u.id = h.owner_id
     WHERE h.invalid_count + h.error_count + h.timeout_count > 0 OR h.error_rate > ${PRIOR_ERROR_RATE}
     ORDER BY h.error_rate DESC, h.invalid_count + h.error_count + h.timeout_count DESC
     LIMIT ${limit}`);
  if (hosts.length === 0) return [];
  const recent = await grid.db.rows<{ host_id: string; bad: number; total: number }>(sql`
    SELECT host_id,
           count(*) FILTER (WHERE validate_state = 'invalid' OR state IN ('errored', 'timed_out'))::int AS bad,
           count(*)::int AS total
      FROM replicas
     WHERE host_id IN ${hosts.map((h) => h.id)}
       AND state IN ('reported', 'errored', 'timed_out')
       AND coalesce(reported_at, deadline) > now() - interval '1 hour'
     GROUP BY host_id`);
  const byHost = new Map(recent.map((r) => [r.host_id, { bad: Number(r.bad), total: Number(r.total) }]));
  const local = new Set(grid.agents.onlineHostIds());
  return hosts.map((h) => {
    const bad = h.invalid_count + h.error_count + h.timeout_count;
    const lifetime = bad + h.valid_count;
    const lifetimeBadShare = lifetime > 0 ? bad / lifetime : 0;
    const r = byHost.get(h.id) ?? { bad: 0, total: 0 };
    return {
      id: h.id, name: h.name, owner: h.owner, status: h.status, online: local.has(h.id) || h.online,
      errorRate: Number(h.error_rate), validCount: h.valid_count, invalidCount: h.invalid_count, errorCount: h.error_count,
      timeoutCount: h.timeout_count, consecutiveValid: h.consecutive_valid,
      recent: r, lifetimeBadShare,
      rising: r.bad > 0 && (r.bad / r.total > lifetimeBadShare || Number(h.error_rate) > PRIOR_ERROR_RATE),
    };
  });
}
