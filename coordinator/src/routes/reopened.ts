import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { ReopenedList, ReopenedWorkUnit } from '@nfl-grid/shared/api/reopened';
import { batchFor, requireAuth } from '../auth/access';
import type { Db } from '../db/index';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { idParam } from './http/id-param';

/** Most re-openings listed (newest first): a caught host's past is bounded by its work. */
const MAX_ROWS = 5000;

export async function listReopened(db: Db, batchId: string): Promise<ReopenedList> {
  const rows = await db.rows<{
    wu_id: number; seq: number; created_at: string | Date; kind: 'solo' | 'quorum'; reason: string; host_id: string;
    previous_sha256: string | null; state: ReopenedWorkUnit['state']; output_sha256: string | null;
  }>(sql`
    SELECT o.wu_id, w.seq, o.created_at, o.kind, o.reason, o.host_id, o.previous_sha256, w.state::text AS state, c.output_sha256
      FROM wu_reopenings o
      JOIN work_units w ON w.id = o.wu_id
      LEFT JOIN replicas c ON c.id = w.canonical_replica_id
     WHERE o.batch_id = ${batchId}
     ORDER BY o.id DESC
     LIMIT ${MAX_ROWS}`);
  const reopenings = rows.map((r): ReopenedWorkUnit => ({
    wuId: Number(r.wu_id), seq: r.seq, reopenedAt: new Date(r.created_at), kind: r.kind, reason: r.reason, hostId: r.host_id,
    previousOutputSha256: r.previous_sha256, state: r.state, outputSha256: r.state === 'done' ? r.output_sha256 : null,
    changed: r.state === 'done' && r.output_sha256 !== null ? r.output_sha256 !== r.previous_sha256 : null,
  }));
  return { batchId, workUnits: new Set(reopenings.map((r) => r.wuId)).size, reopenings };
}

/** What researchers see of re-examination: the batch's re-opened work units. Others' batches are 404. */
export function reopenedRoutes(grid: Grid) {
  return new Hono()
    .get('/batches/:id/reopened',
      describeRoute({
        summary: "A batch's work units that were re-opened, and why",
        description: 'A work unit is re-opened when a host that vouched for its result (alone, or within the re-examination window as one of its quorum) '
          + 'is caught returning an invalid result: its science result is withdrawn and the work unit decided again by other hosts. '
          + 'Each re-opening names the reason, the output set aside and where the work unit stands now. Newest first.',
        responses: { 200: 'The re-openings of the batch' },
      }),
      requireAuth(grid), idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        return c.json(await listReopened(grid.db, b.id));
      });
}
