import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ClearedPair, FlaggedPair } from '@nfl-grid/shared/api/console-types';
import { recordEvent } from '../auth/audit-log';
import { requireAuth } from '../auth/access';
import { clearPairFlag } from '../credit/agreement-pairs';
import { BadRequest, NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from '../routes/http/validate';

/*
 * Flagged host pairs in the console's Validation view (credit/agreement-pairs.ts flags them), and
 * the admin's way to clear a flag: the pair's counts start again and the clearing is audit-logged.
 */

export async function flaggedPairs(grid: Grid, limit = 100): Promise<FlaggedPair[]> {
  const rows = await grid.db.rows<{
    a: string; a_name: string; a_owner: string; b: string; b_name: string; b_owner: string;
    together: number; against: number; lost: number; last_wu_id: number | null; flagged_at: Date | string;
  }>(sql`
    SELECT p.host_a AS a, ha.name AS a_name, ua.name AS a_owner, p.host_b AS b, hb.name AS b_name, ub.name AS b_owner,
           p.together, p.against, p.lost, p.last_wu_id, p.flagged_at
      FROM agreement_pairs p
      JOIN hosts ha ON ha.id = p.host_a JOIN users ua ON ua.id = ha.owner_id
      JOIN hosts hb ON hb.id = p.host_b JOIN users ub ON ub.id = hb.owner_id
     WHERE p.flagged_at IS NOT NULL
     ORDER BY p.flagged_at DESC, p.host_a, p.host_b
     LIMIT ${limit}`);
  return rows.map((r) => ({
    hostA: { id: r.a, name: r.a_name, owner: r.a_owner }, hostB: { id: r.b, name: r.b_name, owner: r.b_owner },
    together: r.together, against: r.against, lost: r.lost, lastWuId: r.last_wu_id === null ? null : Number(r.last_wu_id),
    flaggedAt: new Date(r.flagged_at),
  }));
}

const ClearPairBody = z.strictObject({ hostA: z.string().uuid(), hostB: z.string().uuid() });

export function flaggedPairRoutes(grid: Grid) {
  return new Hono()
    .post('/console/flagged-pairs/clear',
      describeRoute({ summary: "Clear a flagged host pair: its WUs are no longer held for a trusted host, and its counts start again (admin; audit-logged)" }),
      requireAuth(grid, ['admin']), zv('json', ClearPairBody),
      async (c) => {
        const { hostA, hostB } = c.req.valid('json');
        if (hostA === hostB) throw new BadRequest('a pair is two different hosts', 'hostB');
        await grid.db.transaction(async (tx) => {
          if (!(await clearPairFlag(tx, hostA, hostB))) throw new NotFound('flagged pair', 'hostA');
          await recordEvent(tx, 'pair.cleared', hostA, c.get('user').id, { hostA, hostB });
        });
        return c.json({ hostA, hostB, cleared: true } satisfies ClearedPair);
      });
}
