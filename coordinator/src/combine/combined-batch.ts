import { and, eq, sql } from 'drizzle-orm';
import type { CombinedBatch, CombineProgress, CombineRequest } from '@nfl-grid/shared/api/combined';
import { type CombinedFigures, isMergeable, MERGEABLE_KERNELS } from '@nfl-grid/shared/combine/combine';
import { CombineError } from '@nfl-grid/shared/combine/errors';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { combinedResults } from '../db/schema/index';
import { BadRequest, Conflict } from '../errors';
import type { Grid } from '../grid';
import type { BatchRow } from '../auth/access';
import { combineOnThreads, type MergeProgress, type RowText } from './combine-threads';

/*
 * A batch's merged figures for the API: served from combined_results when the batch's results
 * are the ones merged last time (same WU ids and output hashes, same options), merged again on
 * worker threads otherwise. One merge runs at a time per coordinator, and identical requests
 * that arrive during a merge wait for it rather than start their own.
 */

/** Part of the fingerprint: a change to the merge's arithmetic invalidates what is cached. */
const MERGE_VERSION = 1;

interface Running {
  queue: Promise<unknown>;
  inFlight: Map<string, Promise<CombinedBatch>>;
  /** The merge under way, per batch, for GET …/combined/progress. */
  progress: Map<string, CombineProgress>;
}
const running = new WeakMap<Grid, Running>();

function stateOf(grid: Grid): Running {
  let r = running.get(grid);
  if (!r) running.set(grid, (r = { queue: Promise.resolve(), inFlight: new Map(), progress: new Map() }));
  return r;
}

/** Where this coordinator's merge of the batch is, if one runs or waits (null otherwise). */
export function combineProgress(grid: Grid, batchId: string): CombineProgress | null {
  const p = stateOf(grid).progress.get(batchId);
  return p ? { ...p, elapsedMs: Date.now() - p.startedAt } : null;
}

const fingerprintOf = (rows: { wu_id: number; output_sha256: string }[]) =>
  sha256Hex(`merge v${MERGE_VERSION}\n${rows.map((r) => `${r.wu_id}:${r.output_sha256}`).join('\n')}`);

function body(b: BatchRow, figures: CombinedFigures, at: Date, computeMs: number, cached: boolean): CombinedBatch {
  return {
    batchId: b.id, batchState: b.state, kernel: `${b.kernel}@${b.kernelVersion}`, wuCount: b.wuCount,
    complete: figures.included === b.wuCount, computedAt: at.toISOString(), computeMs, cached, ...figures,
  };
}

/** CombineError → the API's 409 (nothing to merge) or 400. */
function apiError(e: unknown): unknown {
  if (!(e instanceof CombineError)) return e;
  return e.code === 'bad_argument' ? new BadRequest(e.message, undefined, 'invalid_field') : new Conflict(e.message, e.code);
}

async function merge(grid: Grid, b: BatchRow, q: CombineRequest): Promise<CombinedBatch> {
  const progress = stateOf(grid).progress;
  const startedAt = Date.now();
  progress.set(b.id, { phase: 'reading', startedAt, elapsedMs: 0 });
  try {
    return await mergeRows(grid, b, q, (p) => progress.set(b.id, { ...p, startedAt, elapsedMs: 0 }));
  } finally {
    progress.delete(b.id);
  }
}

async function mergeRows(grid: Grid, b: BatchRow, q: CombineRequest, onProgress: (p: MergeProgress) => void): Promise<CombinedBatch> {
  const rows = await grid.db.rows<{ wu_id: number; seq: number; kernel: string; params: unknown; output: string; output_sha256: string }>(sql`
    SELECT wu_id, seq, kernel, params, output::text AS output, output_sha256
      FROM science_results WHERE batch_id = ${b.id} AND withdrawn_at IS NULL ORDER BY wu_id`);
  // fingerprinted from the rows merged, so results that arrive meanwhile cannot be cached under it
  const fingerprint = await fingerprintOf(rows);
  const texts: RowText[] = rows.map((r) => ({ wuId: Number(r.wu_id), seq: r.seq, kernel: r.kernel, params: r.params, output: r.output }));
  const t0 = performance.now();
  const figures = await combineOnThreads(texts, q, grid.config.combine.threads, onProgress);
  const computeMs = Math.round(performance.now() - t0);
  const at = new Date();
  await grid.db.orm.insert(combinedResults)
    .values({ batchId: b.id, resamples: q.resamples, level: q.level, seed: q.seed, fingerprint, figures, computeMs, createdAt: at })
    .onConflictDoUpdate({
      target: [combinedResults.batchId, combinedResults.resamples, combinedResults.level, combinedResults.seed],
      set: { fingerprint, figures, computeMs, createdAt: at },
    });
  grid.log.component('combine').info(`merged batch ${b.id}: ${figures.included} of ${b.wuCount} WUs, ${q.resamples} resamples in ${computeMs} ms`, { batchId: b.id, computeMs });
  return body(b, figures, at, computeMs, false);
}

/** The batch's merged figures (409 when there is nothing to merge). */
export async function combinedBatch(grid: Grid, b: BatchRow, q: CombineRequest): Promise<CombinedBatch> {
  const ref = `${b.kernel}@${b.kernelVersion}`;
  if (!isMergeable(ref)) throw new Conflict(`${ref} results cannot be merged; mergeable kernels: ${MERGEABLE_KERNELS.join(', ')}`, 'not_mergeable');
  const index = await grid.db.rows<{ wu_id: number; output_sha256: string }>(sql`
    SELECT wu_id, output_sha256 FROM science_results WHERE batch_id = ${b.id} AND withdrawn_at IS NULL ORDER BY wu_id`);
  if (index.length === 0) throw new Conflict('the batch has no validated results yet; try again when some work units are done', 'no_results');
  const fingerprint = await fingerprintOf(index);
  const [hit] = await grid.db.orm.select().from(combinedResults).where(and(
    eq(combinedResults.batchId, b.id), eq(combinedResults.resamples, q.resamples), eq(combinedResults.level, q.level), eq(combinedResults.seed, q.seed)));
  if (hit && hit.fingerprint === fingerprint) return body(b, hit.figures as CombinedFigures, hit.createdAt, hit.computeMs, true);

  const st = stateOf(grid);
  const key = `${b.id} ${q.resamples} ${q.level} ${q.seed} ${fingerprint}`;
  let p = st.inFlight.get(key);
  if (!p) {
    if (!st.progress.has(b.id)) st.progress.set(b.id, { phase: 'waiting', startedAt: Date.now(), elapsedMs: 0 });
    const run = st.queue.then(() => merge(grid, b, q));
    st.queue = run.catch(() => undefined);
    p = run.catch((e) => { throw apiError(e); }).finally(() => st.inFlight.delete(key));
    st.inFlight.set(key, p);
  }
  return p;
}
