import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { EventList, GridEvent } from '@nfl-grid/shared/api/console-types';
import { EventsQuery } from '@nfl-grid/shared/api/events';
import { requireAuth } from '../auth/access';
import { events } from '../db/schema/index';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

export function eventsRoutes(grid: Grid) {
  return new Hono()
    .get('/events',
      describeRoute({ summary: 'The event feed, newest first (admin)' }),
      requireAuth(grid, ['admin']), zv('query', EventsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const rows = await grid.db.orm.select().from(events).where(q.kind ? eq(events.kind, q.kind) : undefined)
          .orderBy(desc(events.id)).limit(q.limit);
        // recordEvent writes an object or null into data.
        return c.json({ events: rows as GridEvent[] } satisfies EventList);
      });
}
