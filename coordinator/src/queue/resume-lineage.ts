import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import type { CheckpointMaker } from '../daemons/resumed-results';
import { familySql, trustedSql, type TrustPolicy } from '../credit/trust';

/**
 * For reported replicas that were resumed from a checkpoint, the hosts whose checkpoints they rest
 * on, nearest first (a resumed replica may itself have been checkpointed and handed on), each with
 * its owner and whether it is trusted now in the WU's kernel family (credit/trust.ts).
 */
export async function loadResumeLineage(tx: Tx, replicaIds: number[], trust: TrustPolicy): Promise<Map<number, CheckpointMaker[]>> {
  const lineage = new Map<number, CheckpointMaker[]>();
  if (replicaIds.length === 0) return lineage;
  const rows = await tx.rows<{ replica_id: number; host_id: string; owner_id: string; trusted: boolean }>(sql`
    WITH RECURSIVE chain AS (
      SELECT r.id AS replica_id, r.resumed_from AS maker, 1 AS depth
        FROM replicas r WHERE r.id = ANY(${int8Array(replicaIds)}) AND r.resumed_from IS NOT NULL
      UNION ALL
      SELECT c.replica_id, m.resumed_from, c.depth + 1
        FROM chain c JOIN replicas m ON m.id = c.maker
       WHERE m.resumed_from IS NOT NULL AND c.depth < 100
    )
    SELECT c.replica_id, m.host_id, m.owner_id,
           ${trustedSql(sql`m.host_id`, familySql(sql`w.kernel`), trust)} AS trusted
      FROM chain c JOIN replicas m ON m.id = c.maker JOIN work_units w ON w.id = m.wu_id
     ORDER BY c.replica_id, c.depth`);
  for (const r of rows) {
    const id = Number(r.replica_id);
    lineage.set(id, [...(lineage.get(id) ?? []), { hostId: r.host_id, ownerId: r.owner_id, trusted: r.trusted }]);
  }
  return lineage;
}
