import { Hono } from 'hono';
import { canSee, requireAuth } from '../auth/access';
import { explainServedModel, ExplainQuery, MAX_EXPLAIN_REPEATS, MAX_EXPLAIN_ROWS } from '../data/explain-features';
import { lastRun, pipelineRunning, runPipeline, runView } from '../data/pipeline-run';
import { playDatasets } from '../data/play-datasets';
import { PreprocessingConfig, readPreprocessingConfig, writePreprocessingConfig } from '../data/preprocessing-config';
import type { Grid } from '../grid';
import type { CoverModelServer } from '../models/cover-server';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

/** Seed 001's data routes: the play-by-play pipeline, its preprocessing config and feature importance. */
export function dataPipelineRoutes(grid: Grid, server: CoverModelServer) {
  const readers = requireAuth(grid, ['researcher', 'admin']);
  const admin = requireAuth(grid, ['admin']);
  return new Hono()
    .get('/data/pipeline/status',
      describeRoute({ summary: 'The play-by-play data sets (name, sha256, bytes), the preprocessing config and the last pipeline run with its quality report, or null' }),
      readers,
      async (c) => {
        const [datasets, config, last, running] = await Promise.all([playDatasets(grid), readPreprocessingConfig(grid.db), lastRun(grid), pipelineRunning(grid)]);
        // The data are the grid's; who started the run is not, unless it was the caller.
        const run = last ? { ...runView(last), startedBy: last.startedBy && canSee(c.get('user'), last.startedBy) ? last.startedBy : null } : null;
        return c.json({ datasets, config: config.config, running, lastRun: run });
      })
    .post('/data/pipeline/run',
      describeRoute({
        summary: 'Run the parser and feature building over the configured seasons with the current preprocessing config',
        description: 'Answers the stored run: the parser\'s quality report (rows read and kept, dropped by reason, blank fields per column over all rows and over kept rows), the plays the config filtered out (overtime, playoffs), the rows out and a summary per feature column (missing, mean, sd), and the duration. 409 pipeline_running while another run is going.',
        responses: { 201: 'The finished run' },
      }),
      readers,
      async (c) => {
        const { config } = await readPreprocessingConfig(grid.db);
        return c.json(runView(await runPipeline(grid, config, c.get('user'))), 201);
      })
    .get('/data/preprocessing/config',
      describeRoute({ summary: 'The preprocessing config: seasons, keepOvertime, keepPlayoffs, push (drop), featureSet (state | full)' }),
      readers,
      async (c) => c.json(await readPreprocessingConfig(grid.db)))
    .put('/data/preprocessing/config',
      describeRoute({ summary: 'Replace the preprocessing config (every field; an unknown field is refused, naming it); audit-logged' }),
      admin, zv('json', PreprocessingConfig),
      async (c) => c.json(await writePreprocessingConfig(grid.db, c.req.valid('json'), c.get('user').id)))
    .get('/data/features/explain',
      describeRoute({
        summary: 'Permutation importance of each feature of the served cover model on a held-out season',
        description: `For each feature the model declares (the analytic baseline: lead, line, t): the mean increase in log loss when that column is shuffled across plays, over \`repeats\` shuffles (default 5, at most ${MAX_EXPLAIN_REPEATS}), with its sd. \`season\` (default: the model's last held-out season) must be held out by the model (400 not_held_out). At most \`rows\` plays (default 2000, 100–${MAX_EXPLAIN_ROWS}) are drawn from the season; \`seed\` (default 1) fixes the draw and the shuffles.`,
      }),
      readers, zv('query', ExplainQuery),
      async (c) => c.json(await explainServedModel(grid.config.inputsDir, server.loaded ?? await server.current(), c.req.valid('query'))));
}
