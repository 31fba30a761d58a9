import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { gamestateDatasets } from '@nfl-grid/shared/data/gamestate/datasets';
import { playsDataset, type CoverPlay, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { mergeReports, type QualityReport } from '@nfl-grid/shared/data/gamestate/quality';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { coverRows, FEATURE_SETS } from '@nfl-grid/shared/learn/cover-rows';
import type { AuthUser } from '../auth/api-keys';
import { recordEvent } from '../auth/audit-log';
import { sqlState } from '../db/index';
import { pipelineRuns } from '../db/schema/index';
import { Conflict } from '../errors';
import type { Grid } from '../grid';
import type { PreprocessingConfig } from './preprocessing-config';

/*
 * One run of the play-by-play pipeline: parse the configured seasons (the parser's quality report:
 * rows read and kept, dropped by reason, blank fields per column), apply the config's filters
 * (overtime, playoffs), and build the feature columns of the config's set, summarised per column
 * (missing count, mean, population sd). The run is a row in pipeline_runs: inserted `running`
 * (a second concurrent run is refused by the partial unique index: 409), then `succeeded` with its
 * report or `failed` with the error. A `running` row older than STALE_MS is a run whose process
 * died; the next run marks it failed. The parse yields to the event loop between seasons.
 */

const STALE_MS = 15 * 60_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface FeatureSummary {
  set: PreprocessingConfig['featureSet'];
  names: string[];
  rows: number;
  missing: Record<string, number>;
  mean: Record<string, number | null>;
  sd: Record<string, number | null>;
}

export interface PipelineReport {
  /** The parser's report over the configured seasons. */
  quality: QualityReport;
  /** Kept plays the config then filtered out, by filter. */
  filtered: { overtime: number; playoffs: number };
  /** Plays that come out of the pipeline. */
  rowsOut: number;
  features: FeatureSummary;
}

export type RunRow = typeof pipelineRuns.$inferSelect;

export function runView(r: RunRow) {
  return {
    id: r.id, state: r.state, config: r.config, dataHashes: r.dataHashes, report: r.report, error: r.error,
    durationMs: r.durationMs, startedBy: r.startedBy, startedAt: r.createdAt, finishedAt: r.finishedAt,
  };
}

export async function lastRun(grid: Grid): Promise<RunRow | null> {
  const [row] = await grid.db.orm.select().from(pipelineRuns).orderBy(desc(pipelineRuns.createdAt)).limit(1);
  return row ?? null;
}

function summarise(plays: readonly CoverPlay[], set: PreprocessingConfig['featureSet']): FeatureSummary {
  const names = [...FEATURE_SETS[set]];
  const rows = coverRows(plays, names);
  const k = names.length;
  const n = new Array<number>(k).fill(0), sum = new Array<number>(k).fill(0), ss = new Array<number>(k).fill(0);
  for (let i = 0; i < rows.n; i++) for (let j = 0; j < k; j++) {
    const v = rows.x[i * k + j];
    if (!Number.isNaN(v)) { n[j]++; sum[j] += v; }
  }
  const mean = sum.map((s, j) => (n[j] ? s / n[j] : null));
  for (let i = 0; i < rows.n; i++) for (let j = 0; j < k; j++) {
    const v = rows.x[i * k + j];
    if (!Number.isNaN(v)) ss[j] += (v - mean[j]!) ** 2;
  }
  const byName = <T>(f: (j: number) => T) => Object.fromEntries(names.map((name, j) => [name, f(j)]));
  return {
    set, names, rows: rows.n,
    missing: byName((j) => rows.n - n[j]),
    mean: byName((j) => mean[j]),
    sd: byName((j) => (n[j] ? Math.sqrt(ss[j] / n[j]) : null)),
  };
}

/** Parses, filters and builds features for `config`; pure apart from reading the data files. */
export async function buildPipeline(dataDir: string, config: PreprocessingConfig): Promise<PipelineReport> {
  const data = loadLocalKernelData(dataDir, gamestateDatasets(config.seasons));
  const reports: QualityReport[] = [];
  const kept: CoverPlay[] = [];
  const filtered = { overtime: 0, playoffs: 0 };
  for (const season of [...config.seasons].sort((a, b) => a - b)) {
    await nextTurn();
    const parsed = data.dataset<ParsedPlays>(playsDataset(season));
    reports.push(parsed.report);
    for (const p of parsed.rows) {
      if (!config.keepOvertime && p.qtr >= 5) filtered.overtime++;
      else if (!config.keepPlayoffs && p.playoff) filtered.playoffs++;
      else kept.push(p);
    }
  }
  await nextTurn();
  return { quality: mergeReports(reports), filtered, rowsOut: kept.length, features: summarise(kept, config.featureSet) };
}

/** Runs the pipeline and stores the run; 409 while another run is going. */
export async function runPipeline(grid: Grid, config: PreprocessingConfig, user: AuthUser): Promise<RunRow> {
  await grid.db.orm.update(pipelineRuns)
    .set({ state: 'failed', error: 'abandoned: its process stopped before it finished', finishedAt: new Date() })
    .where(and(eq(pipelineRuns.state, 'running'), lt(pipelineRuns.createdAt, new Date(Date.now() - STALE_MS))));
  let run: RunRow;
  try {
    [run] = await grid.db.orm.insert(pipelineRuns).values({ config, startedBy: user.id }).returning() as [RunRow];
  } catch (e) {
    if (sqlState(e) === '23505') throw new Conflict('a pipeline run is going; try again when it has finished', 'pipeline_running');
    throw e;
  }
  const started = performance.now();
  try {
    const hashes = await grid.inputs.resolve(gamestateDatasets(config.seasons));
    const report = await buildPipeline(grid.config.inputsDir, config);
    const durationMs = Math.round(performance.now() - started);
    const [done] = await grid.db.orm.update(pipelineRuns).set({
      state: 'succeeded', report, durationMs, finishedAt: new Date(),
      dataHashes: Object.fromEntries(hashes.map((h) => [h.name, h.sha256])),
    }).where(eq(pipelineRuns.id, run.id)).returning();
    await recordEvent(grid.db, 'data.pipeline_run', run.id, user.id, { seasons: config.seasons, rowsRead: report.quality.rowsRead, rowsOut: report.rowsOut, durationMs });
    grid.log.component('pipeline').info('pipeline run finished', { id: run.id, rowsRead: report.quality.rowsRead, rowsOut: report.rowsOut, durationMs });
    return done!;
  } catch (e) {
    const error = (e as Error).message;
    await grid.db.orm.update(pipelineRuns)
      .set({ state: 'failed', error, durationMs: Math.round(performance.now() - started), finishedAt: new Date() })
      .where(eq(pipelineRuns.id, run.id));
    grid.log.component('pipeline').error('pipeline run failed', { id: run.id, error: e as Error });
    throw e;
  }
}

/** Whether a run is going now (on any coordinator). */
export async function pipelineRunning(grid: Grid): Promise<boolean> {
  const [r] = await grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM pipeline_runs WHERE state = 'running'`);
  return (r?.n ?? 0) > 0;
}
