import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { IdParam } from '@nfl-grid/shared/api/ids';
import { revokeApiKey } from '../auth/api-keys';
import { requireAuth } from '../auth/require-auth';
import { apiKeys } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from './http/record-event';
import { zv } from './http/validate';

export function keysRoutes(grid: Grid) {
  return new Hono()
    .delete('/keys/:id',
      describeRoute({ summary: 'Revoke an API key (admins: any key; others: their own)' }),
      requireAuth(grid), zv('param', IdParam),
      async (c) => {
        const { id } = c.req.valid('param');
        const me = c.get('user');
        const [key] = await grid.db.orm.select({ userId: apiKeys.userId }).from(apiKeys).where(eq(apiKeys.id, id));
        if (!key || (me.role !== 'admin' && key.userId !== me.id)) throw new NotFound('API key', 'id');
        const revoked = await revokeApiKey(grid.db, id);
        if (revoked) await recordEvent(grid.db, 'key.revoked', id, me.id, { userId: key.userId });
        return c.json({ id, revoked: true, alreadyRevoked: !revoked });
      });
}
