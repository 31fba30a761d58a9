import { Hono } from 'hono';
import { ReportQuery } from '@nfl-grid/shared/performance/api';
import { batchFor, requireAuth } from '../auth/access';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { buildReport } from '../reports/build-report';
import { zv } from './http/validate';
import { idParam } from './http/id-param';

/** `GET /api/v1/batches/:id/report`: a batch's report bundle, for its owner (admins: any batch). */
export function batchReportRoutes(grid: Grid) {
  return new Hono()
    .get('/batches/:id/report',
      describeRoute({ summary: 'A reproducible report of a batch (methods, results tables, SVG figures) as a bundle of files, Markdown or LaTeX' }),
      requireAuth(grid), idParam(grid, 'batches'), zv('query', ReportQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        return c.json(await buildReport(grid.db, c.get('scope'), b, c.req.valid('query').format));
      });
}
