import { Hono } from 'hono';
import { CombinedQuery } from '@nfl-grid/shared/api/combined';
import { IdParam } from '@nfl-grid/shared/api/ids';
import { requireAuth } from '../auth/require-auth';
import { combinedBatch } from '../combine/combined-batch';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';
import { batchFor } from './reads/batch-access';

/**
 * `GET /batches/:id/combined`: the work units of an mc.bankroll or mc.season batch merged into
 * batch-level figures with bootstrap confidence intervals. The same access as other batch reads:
 * the owner or an admin; another researcher's batch is 404. Mounted under /api/v1.
 */
export function combinedRoutes(grid: Grid) {
  return new Hono()
    .get('/batches/:id/combined',
      describeRoute({
        summary: "A batch's work units merged into batch-level figures with bootstrap confidence intervals",
        description: 'mc.bankroll@1 (scenarios pooled: final bankroll, VaR95, CVaR95, drawdown, per-bet Sharpe, ruin) and mc.season@1 '
          + '(win histograms and division / playoff counts pooled per team). Work units of the same params (seed and size params aside) '
          + 'form one group. Intervals are percentile bootstrap intervals over `resamples` resamples of scenarios or simulations, '
          + 'reproducible from `seed`. A partial batch is merged too: `included` of `wuCount` work units, `complete` once all are. '
          + 'The result is cached until the batch has new results. 409 when the kernel has no merge or there are no results yet.',
        responses: { 200: 'The merged figures per group of work units', 409: 'Nothing to merge (not_mergeable, no_results, no_mergeable_results)' },
      }),
      requireAuth(grid), zv('param', IdParam), zv('query', CombinedQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        return c.json(await combinedBatch(grid, b, c.req.valid('query')));
      });
}
