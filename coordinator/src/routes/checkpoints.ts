import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { verifyActiveHost } from '../auth/host-credentials';
import { bearerToken } from '../auth/api-keys';
import { Forbidden, NotFound, Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const WuParam = z.object({ wuId: z.coerce.number().int('expected an integer id').positive('expected a positive id').max(Number.MAX_SAFE_INTEGER) });

/**
 * The newest uploaded checkpoint of a work unit, for a reissued replica to resume from (the work
 * item's `resumeFrom` names its step, sha256 and maker). It goes out only with its provenance —
 * the maker's host and replica and the maker's signature — which the agent checks against the
 * maker's key from its signed work packet before using the bytes. Only an agent —
 * its host credential as the bearer — whose in-progress replica was handed that checkpoint at
 * claim time may fetch it; for other holders there is none (404).
 * Mounted under /api/v1.
 */
export function checkpointsRoutes(grid: Grid) {
  return new Hono()
    .get('/checkpoints/:wuId',
      describeRoute({
        summary: 'The newest checkpoint of a work unit, for an agent resuming a reissued replica',
        description: 'Authorised by a host credential (Authorization: Bearer <credential>) of a host holding an in-progress replica of the work unit. `data` is the base64 of the checkpoint bytes; `sha256` is their hash; `signature` is the maker host\'s compact JWS over wuId, replicaId, hostId, kernel, step and sha256; `maker` names that host and replica.',
      }),
      zv('param', WuParam),
      async (c) => {
        const token = bearerToken(c.req.header('authorization'));
        if (!token) throw new Unauthorized('missing credentials: send Authorization: Bearer <host credential>', 'missing_credentials');
        const { hostId } = await verifyActiveHost(grid, token);
        const { wuId } = c.req.valid('param');
        const [row] = await grid.db.rows<{
          holds: boolean; step: number | null; sha256: string | null; data: string | null; signature: string | null; maker_replica: number | null; maker_host: string | null;
        }>(sql`
          SELECT EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = ${wuId} AND r.host_id = ${hostId} AND r.state = 'in_progress') AS holds,
                 cp.step, cp.sha256, cp.data, cp.signature, cp.replica_id AS maker_replica, maker.host_id AS maker_host
            FROM (SELECT 1) one
            LEFT JOIN checkpoints cp ON cp.wu_id = ${wuId}
                  AND EXISTS (SELECT 1 FROM replicas r WHERE r.wu_id = ${wuId} AND r.host_id = ${hostId} AND r.state = 'in_progress' AND r.resumed_from = cp.replica_id)
            LEFT JOIN replicas maker ON maker.id = cp.replica_id`);
        if (!row?.holds) throw new Forbidden('this host holds no in-progress replica of that work unit', 'not_holding_replica');
        if (row.step === null || row.sha256 === null || row.data === null || row.signature === null) throw new NotFound('checkpoint', 'wuId');
        return c.json({
          wuId, step: row.step, sha256: row.sha256, data: row.data, signature: row.signature,
          maker: { hostId: row.maker_host!, replicaId: Number(row.maker_replica) },
        });
      });
}
