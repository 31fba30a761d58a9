import type { Rng } from '../math/rng';
import { quantileRank } from '../stats/histogram';
import { tailSize95 } from '../stats/tail-risk';
import { poissonOnes, toMultinomial } from '../stats/resample-counts';
import { COL, COLUMNS, type PooledBankroll } from './bankroll-merge';
import { BANKROLL_WIDTH, STAT } from './bankroll-figures';

/*
 * The statistics of bootstrap resamples of pooled mc.bankroll scenarios, fast enough for a million
 * scenarios × 5,000 resamples. A resample is a vector of multiplicities over the pooled scenarios
 * (presorted by final bankroll). Its statistics come in two parts:
 *   - sums (Σ final, Σ drawdown, Σ bets, Σ r, Σ r², Σ ruined), and per block of BLOCK scenarios the
 *     count and Σ final, in one pass that draws the counts block by block; GROUP resamples share
 *     the pass, so each block of scenario data is read from memory once for all of them;
 *   - order statistics (quantiles, the 5 % tail for VaR and CVaR, the share above the start),
 *     found by walking the block counts and then one block, so they cost O(n / BLOCK + BLOCK);
 *     the drawdown quantile walks the drawdown order from the top (about 5 % of the scenarios).
 * The estimate is the same computation with every multiplicity 1.
 */

const BLOCK = 4096;
/** Resamples that share one pass over the scenario data. */
const GROUP = 8;
const FINAL_PCTS = [1, 5, 25, 50, 75, 95, 99] as const;

/** The sums of a resample, one per column of the pool: final, drawdown, bets, Σr, Σr², ruined. */
const SUMS = COLUMNS;

/** The tallies of up to GROUP resamples: counts, block counts, block Σ final, sums. */
interface Tallies {
  counts: Uint8Array;
  blockCount: Float64Array;
  blockFinal: Float64Array;
  sums: Float64Array;
}

const blocksOf = (n: number) => Math.ceil(n / BLOCK);

function newTallies(n: number, resamples: number): Tallies {
  const nb = blocksOf(n);
  return { counts: new Uint8Array(resamples * n), blockCount: new Float64Array(resamples * nb), blockFinal: new Float64Array(resamples * nb), sums: new Float64Array(resamples * SUMS) };
}

/** Adds block `blk` of resample j (its counts already in place) to the tallies. */
function tallyBlock(p: PooledBankroll, t: Tallies, j: number, blk: number): void {
  const n = p.n, start = blk * BLOCK, end = Math.min(n, start + BLOCK);
  const s = sumBlock(t.counts, j * n, start, end, p.values, blockSums);
  const bi = j * blocksOf(n) + blk, si = j * SUMS;
  t.blockCount[bi] = s[SUMS]!;
  t.blockFinal[bi] = s[COL.final]!;
  for (let c = 0; c < SUMS; c++) t.sums[si + c] += s[c]!;
}

const blockSums = new Float64Array(SUMS + 1);

/** Σ w·value for each of the six columns, then Σ w, over rows [start, end) with weights counts[off + i]. */
function sumBlock(counts: Uint8Array, off: number, start: number, end: number, v: Float64Array, out: Float64Array): Float64Array {
  let cnt = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
  for (let i = start, k = COLUMNS * start; i < end; i++, k += COLUMNS) {
    const w = counts[off + i]!;
    cnt += w;
    s0 += w * v[k]!;
    s1 += w * v[k + 1]!;
    s2 += w * v[k + 2]!;
    s3 += w * v[k + 3]!;
    s4 += w * v[k + 4]!;
    s5 += w * v[k + 5]!;
  }
  out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3; out[4] = s4; out[5] = s5; out[6] = cnt;
  return out;
}

/** One draw added to (+1) or deleted from (−1) scenario i of resample j. */
function adjust(p: PooledBankroll, t: Tallies, j: number, i: number, d: number): void {
  const b = j * blocksOf(p.n) + Math.floor(i / BLOCK), s = j * SUMS;
  t.blockCount[b] += d;
  t.blockFinal[b] += d * p.values[COLUMNS * i + COL.final]!;
  for (let c = 0; c < SUMS; c++) t.sums[s + c] += d * p.values[COLUMNS * i + c]!;
}

const finalAt = (p: PooledBankroll, i: number): number => p.values[COLUMNS * i + COL.final]!;

/**
 * The first position whose cumulative count reaches `rank` in resample j, with the count and the
 * Σ final·count before it.
 */
function locate(p: PooledBankroll, t: Tallies, j: number, rank: number): { pos: number; before: number; finalBefore: number } {
  const nb = blocksOf(p.n), row = j * nb, off = j * p.n;
  let blk = 0, before = 0, finalBefore = 0;
  while (blk < nb - 1 && before + t.blockCount[row + blk]! < rank) {
    before += t.blockCount[row + blk]!;
    finalBefore += t.blockFinal[row + blk]!;
    blk++;
  }
  let pos = blk * BLOCK;
  for (;;) {
    const w = t.counts[off + pos]!;
    if (before + w >= rank) return { pos, before, finalBefore };
    before += w;
    finalBefore += w * finalAt(p, pos);
    pos++;
  }
}

/** Draws counted before position `end` (end ≤ n) in resample j. */
function countBefore(p: PooledBankroll, t: Tallies, j: number, end: number): number {
  const row = j * blocksOf(p.n), off = j * p.n;
  const full = Math.floor(end / BLOCK);
  let c = 0;
  for (let b = 0; b < full; b++) c += t.blockCount[row + b]!;
  for (let i = full * BLOCK; i < end; i++) c += t.counts[off + i]!;
  return c;
}

/** Every statistic of resample j, into out[at … at + BANKROLL_WIDTH). */
function statistics(p: PooledBankroll, t: Tallies, j: number, out: Float64Array, at: number): void {
  const n = p.n, s = j * SUMS, off = j * n;
  FINAL_PCTS.forEach((pct, q) => { out[at + STAT.finalQ0 + q] = finalAt(p, locate(p, t, j, quantileRank(n, pct)).pos); });
  const k = tailSize95(n);
  const tail = locate(p, t, j, k);
  const tailSum = tail.finalBefore + (k - tail.before) * finalAt(p, tail.pos);
  // the 95th percentile of drawdown is rank r from the bottom, n − r + 1 from the top
  const fromTop = n - quantileRank(n, 95) + 1;
  let top = 0, ddP95 = NaN;
  for (let i = 0; i < n; i++) {
    const pos = p.byDrawdown[i]!;
    top += t.counts[off + pos]!;
    if (top >= fromTop) { ddP95 = p.values[COLUMNS * pos + COL.maxDrawdown]!; break; }
  }
  const bets = t.sums[s + COL.bets]!;
  let sharpe = NaN;
  if (bets > 0) {
    const meanR = t.sums[s + COL.sumR]! / bets;
    const sd = Math.sqrt(Math.max(0, t.sums[s + COL.sumR2]! / bets - meanR * meanR));
    if (sd > 0) sharpe = meanR / sd;
  }
  out[at + STAT.finalMean] = t.sums[s + COL.final]! / n;
  out[at + STAT.pProfit] = (n - countBefore(p, t, j, p.profitFrom)) / n;
  out[at + STAT.var95] = p.startBankroll - finalAt(p, tail.pos);
  out[at + STAT.cvar95] = p.startBankroll - tailSum / k;
  out[at + STAT.meanMaxDrawdown] = t.sums[s + COL.maxDrawdown]! / n;
  out[at + STAT.maxDrawdownP95] = ddP95;
  out[at + STAT.sharpePerBet] = sharpe;
  out[at + STAT.pRuin] = t.sums[s + COL.ruined]! / n;
  out[at + STAT.meanBetsPlaced] = bets / n;
}

/** The statistics of the pooled sample itself. */
export function bankrollEstimates(p: PooledBankroll): Float64Array {
  const t = newTallies(p.n, 1);
  t.counts.fill(1);
  for (let blk = 0; blk < blocksOf(p.n); blk++) tallyBlock(p, t, 0, blk);
  const out = new Float64Array(BANKROLL_WIDTH);
  statistics(p, t, 0, out, 0);
  return out;
}

/** `count` bootstrap replicates, resample by resample (BANKROLL_WIDTH values each). */
export function bankrollReplicates(p: PooledBankroll, rng: Rng, count: number): Float64Array {
  const n = p.n, nb = blocksOf(n);
  const out = new Float64Array(count * BANKROLL_WIDTH);
  const t = newTallies(n, Math.min(GROUP, count));
  for (let first = 0; first < count; first += GROUP) {
    const group = Math.min(GROUP, count - first);
    t.sums.fill(0);
    for (let blk = 0; blk < nb; blk++) {
      const start = blk * BLOCK, end = Math.min(n, start + BLOCK);
      for (let j = 0; j < group; j++) {
        poissonOnes(rng, t.counts, j * n + start, j * n + end);
        tallyBlock(p, t, j, blk);
      }
    }
    for (let j = 0; j < group; j++) {
      let total = 0;
      for (let b = 0; b < nb; b++) total += t.blockCount[j * nb + b]!;
      toMultinomial(rng, t.counts.subarray(j * n, (j + 1) * n), total, (i, d) => adjust(p, t, j, i, d));
      statistics(p, t, j, out, (first + j) * BANKROLL_WIDTH);
    }
  }
  return out;
}
