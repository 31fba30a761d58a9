import type { McBankrollOutput } from '../kernels/mc/bankroll';
import type { McSeasonOutput } from '../kernels/mc/season';
import { Rng } from '../math/rng';
import { canonicalJson } from '../hashing/canonical-json';
import { bankrollEstimates, bankrollReplicates } from './bankroll-bootstrap';
import { BANKROLL_WIDTH, bankrollFigures, type BankrollFigures } from './bankroll-figures';
import { checkBankrollOutput, poolBankroll, type PooledBankroll } from './bankroll-merge';
import { CombineError } from './errors';
import { percentileInterval, type Interval } from './intervals';
import {
  checkSeasonOutput, poolSeason, seasonEstimates, seasonFigures, seasonReplicates, seasonWidth,
  type PooledSeason, type SeasonFigures,
} from './season-merge';

/*
 * Merging a batch's validated results into batch-level figures with bootstrap intervals, in three
 * pure steps so the work can be spread over threads:
 *   planCombine    groups results by kernel + params (without the seed and the params that only
 *                  size a WU), pools each group and computes its point estimates;
 *   chunkReplicates  CHUNK_RESAMPLES bootstrap replicates of one group, from the RNG stream of
 *                  (seed, group, chunk) — so the figures do not depend on how chunks are spread
 *                  over threads, nor on the other groups of the batch;
 *   finishCombine  percentile intervals from all the chunks.
 * combineResults runs all three in one thread.
 */

export interface CombineRow {
  wuId: number;
  seq: number;
  /** `name@version`. */
  kernel: string;
  params: unknown;
  output: unknown;
}

export interface CombineOptions {
  /** Bootstrap resamples B. */
  resamples: number;
  /** Confidence level of the percentile intervals. */
  level: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 5_000;
export const MIN_RESAMPLES = 1_000;
export const MAX_RESAMPLES = 100_000;
const CHUNK_RESAMPLES = 250;

type Pool = PooledBankroll | PooledSeason;
export type GroupFigures = BankrollFigures | SeasonFigures;

interface Merger {
  /** Params that set how much work a WU does, not what it simulates: left out of the group key. */
  sizeParams: readonly string[];
  check(output: unknown, ref: unknown): string | null;
  pool(outputs: unknown[], shared: boolean): Pool;
  width(pool: Pool): number;
  estimates(pool: Pool): Float64Array;
  replicates(pool: Pool, rng: Rng, count: number): Float64Array;
  figures(pool: Pool, interval: (j: number) => Interval): GroupFigures;
}

const MERGERS: Record<string, Merger> = {
  'mc.bankroll@1': {
    sizeParams: ['nScenarios', 'scenariosPerStep', 'keepScenarios'],
    check: (o) => checkBankrollOutput(o),
    pool: (outs, shared) => poolBankroll(outs as McBankrollOutput[], shared),
    width: () => BANKROLL_WIDTH,
    estimates: (p) => bankrollEstimates(p as PooledBankroll),
    replicates: (p, rng, count) => bankrollReplicates(p as PooledBankroll, rng, count),
    figures: (p, iv) => bankrollFigures(p as PooledBankroll, iv),
  },
  'mc.season@1': {
    sizeParams: ['nSims', 'simsPerStep'],
    check: (o, ref) => checkSeasonOutput(o, ref as McSeasonOutput | null),
    pool: (outs) => poolSeason(outs as McSeasonOutput[]),
    width: (p) => seasonWidth(p as PooledSeason),
    estimates: (p) => seasonEstimates(p as PooledSeason),
    replicates: (p, rng, count) => seasonReplicates(p as PooledSeason, rng, count),
    figures: (p, iv) => seasonFigures(p as PooledSeason, iv),
  },
};

export const MERGEABLE_KERNELS: readonly string[] = Object.keys(MERGERS);
export const isMergeable = (kernelRef: string): boolean => kernelRef in MERGERS;

export interface PlanGroup {
  kernel: string;
  /** The group's params without the size params. */
  params: Record<string, unknown>;
  wuIds: number[];
  pool: Pool;
  estimates: Float64Array;
  width: number;
  /** RNG stream of chunk 0; chunk c uses stream + c. */
  stream: number;
}

export interface CombinePlan {
  options: CombineOptions;
  /** Results looked at. */
  results: number;
  excluded: { wuId: number; reason: string }[];
  groups: PlanGroup[];
}

export interface CombinedGroup {
  kernel: string;
  params: Record<string, unknown>;
  workUnits: number;
  wuIds: number[];
  figures: GroupFigures;
}

export interface CombinedFigures {
  options: CombineOptions & { method: 'percentile' };
  results: number;
  included: number;
  excluded: { wuId: number; reason: string }[];
  groups: CombinedGroup[];
}

function checkOptions(o: CombineOptions): void {
  if (!Number.isInteger(o.resamples) || o.resamples < MIN_RESAMPLES || o.resamples > MAX_RESAMPLES) {
    throw new CombineError('bad_argument', `resamples must be a whole number from ${MIN_RESAMPLES} to ${MAX_RESAMPLES}, got ${o.resamples}`);
  }
  if (!(o.level > 0 && o.level < 1)) throw new CombineError('bad_argument', `level must be in (0, 1), got ${o.level}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new CombineError('bad_argument', `seed must be a 32-bit unsigned integer, got ${o.seed}`);
}

/** FNV-1a of the group key: a stream id that depends on the group alone. */
function streamOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  // leave room for the chunk index below 2^32
  return (h >>> 0) % (0x100000000 - MAX_RESAMPLES / CHUNK_RESAMPLES);
}

function withoutSizeParams(params: unknown, size: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((params ?? {}) as Record<string, unknown>)) if (!size.includes(k)) out[k] = v;
  return out;
}

export const chunkCount = (o: CombineOptions): number => Math.ceil(o.resamples / CHUNK_RESAMPLES);

/** Groups, checks and pools the results; `shared` puts large pools in shared memory for workers. */
export function planCombine(rows: readonly CombineRow[], options: CombineOptions, opts: { shared?: boolean } = {}): CombinePlan {
  checkOptions(options);
  if (rows.length === 0) throw new CombineError('no_results', 'the batch has no validated results yet');
  if (!rows.some((r) => isMergeable(r.kernel))) {
    const kernels = [...new Set(rows.map((r) => r.kernel))].join(', ');
    throw new CombineError('not_mergeable', `${kernels} results cannot be merged; mergeable kernels: ${MERGEABLE_KERNELS.join(', ')}`);
  }
  const excluded: CombinePlan['excluded'] = [];
  const byKey = new Map<string, { kernel: string; params: Record<string, unknown>; rows: CombineRow[] }>();
  for (const r of [...rows].sort((a, b) => a.seq - b.seq || a.wuId - b.wuId)) {
    const m = MERGERS[r.kernel];
    if (!m) { excluded.push({ wuId: r.wuId, reason: `${r.kernel} has no merge` }); continue; }
    const params = withoutSizeParams(r.params, m.sizeParams);
    const key = `${r.kernel} ${canonicalJson(params)}`;
    const g = byKey.get(key) ?? { kernel: r.kernel, params, rows: [] };
    const reason = m.check(r.output, g.rows[0]?.output ?? null);
    if (reason) { excluded.push({ wuId: r.wuId, reason }); continue; }
    g.rows.push(r);
    byKey.set(key, g);
  }
  if (byKey.size === 0) {
    const reasons = [...new Set(excluded.map((e) => e.reason))].join('; ');
    throw new CombineError('no_mergeable_results', `none of the ${rows.length} result(s) can be merged: ${reasons}`);
  }
  const groups = [...byKey.entries()].map(([key, g]): PlanGroup => {
    const m = MERGERS[g.kernel]!;
    const pool = m.pool(g.rows.map((r) => r.output), opts.shared ?? false);
    return { kernel: g.kernel, params: g.params, wuIds: g.rows.map((r) => r.wuId), pool, estimates: m.estimates(pool), width: m.width(pool), stream: streamOf(key) };
  });
  return { options, results: rows.length, excluded, groups };
}

/** The bootstrap replicates of chunk c of group g (CHUNK_RESAMPLES of them, fewer in the last chunk). */
export function chunkReplicates(plan: CombinePlan, g: number, c: number): Float64Array {
  const group = plan.groups[g]!;
  const count = Math.min(CHUNK_RESAMPLES, plan.options.resamples - c * CHUNK_RESAMPLES);
  const rng = Rng.create(plan.options.seed, group.stream + c);
  return MERGERS[group.kernel]!.replicates(group.pool, rng, count);
}

/** Intervals from every chunk of every group: chunks[g][c] as chunkReplicates returned them. */
export function finishCombine(plan: CombinePlan, chunks: readonly (readonly Float64Array[])[]): CombinedFigures {
  const groups = plan.groups.map((g, gi): CombinedGroup => {
    const parts = chunks[gi]!;
    const all = new Float64Array(plan.options.resamples * g.width);
    let at = 0;
    for (const part of parts) { all.set(part, at); at += part.length; }
    if (at !== all.length) throw new Error(`group ${gi}: ${at / g.width} replicates, expected ${plan.options.resamples}`);
    const interval = (j: number) => percentileInterval(g.estimates[j]!, all, g.width, j, plan.options.level);
    return { kernel: g.kernel, params: g.params, workUnits: g.wuIds.length, wuIds: g.wuIds, figures: MERGERS[g.kernel]!.figures(g.pool, interval) };
  });
  return {
    options: { ...plan.options, method: 'percentile' },
    results: plan.results,
    included: groups.reduce((a, g) => a + g.workUnits, 0),
    excluded: plan.excluded,
    groups,
  };
}

/** The whole merge in this thread. */
export function combineResults(rows: readonly CombineRow[], options: CombineOptions): CombinedFigures {
  const plan = planCombine(rows, options);
  const chunks = plan.groups.map((_, g) => Array.from({ length: chunkCount(options) }, (__, c) => chunkReplicates(plan, g, c)));
  return finishCombine(plan, chunks);
}
