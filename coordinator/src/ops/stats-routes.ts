import { Hono } from 'hono';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { createDaemonLoop, type DaemonLoop, type PassObserver } from '../daemons/daemon-loop';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { buildStats, STATS_FILES, type StatsFile, type StatsSnapshot } from './stats-export';

/** The statistics files, rebuilt by a daemon of their own; each coordinator keeps its latest copy. */
export interface StatsDaemon extends DaemonLoop {
  latest(): StatsSnapshot | null;
}

export function createStatsDaemon(grid: Grid, intervalMs: number, log: Logger, observe?: PassObserver): StatsDaemon {
  let latest: StatsSnapshot | null = null;
  const loop = createDaemonLoop('stats', intervalMs, async () => {
    latest = await buildStats(grid);
    return 0;
  }, log, observe);
  return Object.assign(loop, { latest: () => latest });
}

/** `GET /stats/users.json.gz` (and teams, hosts): public, stable URLs, as BOINC's statistics sites expect. */
export function statsRoutes(stats: { latest(): StatsSnapshot | null } | null) {
  return new Hono()
    .get('/:file{[a-z]+\\.json\\.gz}',
      describeRoute({
        summary: 'Public statistics export (users, teams, hosts with credit and RAC) as gzipped JSON',
        description: 'users.json.gz, teams.json.gz, hosts.json.gz; ids are sha256-derived public ids, no private data.',
        produces: ['application/gzip'], responses: { 200: 'gzipped JSON', 503: 'not built yet' },
      }),
      (c) => {
        const name = c.req.param('file').replace('.json.gz', '') as StatsFile;
        if (!STATS_FILES.includes(name)) throw new NotFound(`statistics file ${c.req.param('file')}`, 'file');
        const snapshot = stats?.latest();
        if (!snapshot) {
          c.header('retry-after', '30');
          return c.json({ error: { code: 'stats_not_ready', message: 'the statistics export has not been built yet' } }, 503);
        }
        return c.body(new Uint8Array(snapshot.files[name]), 200, {
          'content-type': 'application/gzip',
          'last-modified': new Date(snapshot.generatedAt).toUTCString(),
          'cache-control': 'public, max-age=300',
        });
      });
}
