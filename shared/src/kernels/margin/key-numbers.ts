import { z } from 'zod';
import type { GameRow } from '../../data/spreadspoke';
import { derived } from '../derived-cache';
import {
  at, bucketCounts, fitMarginSigma, groupMargins, iterateMultipliers, keyPmf, normalPmf, type LineMargins,
} from './model';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';

/*
 * margins.key_numbers@1: does a margin model that knows the key numbers (3, 7, 10, 6, 14 …) beat a
 * plain discretised Normal around the closing line? Both are in model.ts: Normal(−homeLine,
 * σ) on the integers, and the same reweighted by per-|margin| multipliers fitted on the training
 * seasons. σ is `sigma` when given, else the maximum-likelihood σ of the Normal model on the
 * training games (the key model uses the same σ).
 *
 * Scored on the test seasons: the exact-margin log-likelihood of each model (total, per game, and
 * the per-game difference with its standard error), the expected vs observed frequency of each
 * absolute margin 0–20, and push rates: at each absolute line L in pushLines, the games whose
 * |homeLine| = L, how many pushed (margin = −homeLine), and the mean push probability each model
 * gave (0 at half-point lines). Games: spreadspoke, with a line, playoffs unless excluded.
 * Steps: one setup step (σ), then the multiplier iterations in chunks of iterationsPerStep.
 */

export const MarginKeyNumbersParams = z.strictObject({
  trainFrom: z.number().int().min(1979).max(2025).default(2009),
  trainTo: z.number().int().min(1979).max(2025).default(2018),
  testFrom: z.number().int().min(1979).max(2025).default(2019),
  testTo: z.number().int().min(1979).max(2025).default(2024),
  includePlayoffs: z.boolean().default(true),
  sigma: z.number().min(5).max(30).optional(),
  /** Pseudo-games per bucket pulling each multiplier toward 1. */
  smoothing: z.number().min(0).max(10_000).default(10),
  maxKey: z.number().int().min(1).max(60).default(30),
  iterations: z.number().int().min(1).max(5000).default(300),
  iterationsPerStep: z.number().int().min(1).max(5000).default(50),
  pushLines: z.array(z.number().min(0).max(30).refine((x) => Number.isInteger(2 * x), 'lines are multiples of 0.5')).min(1).max(60)
    .default([0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 6, 6.5, 7, 7.5, 10, 14]),
}).superRefine((p, ctx) => {
  const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (p.trainFrom > p.trainTo) bad('trainTo', 'trainTo must not be before trainFrom');
  if (p.testFrom > p.testTo) bad('testTo', 'testTo must not be before testFrom');
  if (p.trainFrom <= p.testTo && p.testFrom <= p.trainTo) bad('testFrom', 'training and test seasons overlap');
});
export type MarginKeyNumbersParams = z.output<typeof MarginKeyNumbersParams>;

interface State {
  params: MarginKeyNumbersParams;
  step: number;
  sigma: number | null;
  w: number[];
  done: number;
  lastChange: number | null;
}

interface Model { normal: number; keyNumbers: number }

export interface MarginKeyNumbersOutput {
  sigma: number;
  sigmaFitted: boolean;
  smoothing: number;
  train: { n: number; logLikPerGame: Model };
  test: { n: number; logLik: Model; logLikPerGame: Model; diffPerGame: number; diffSe: number };
  iterations: number;
  lastChange: number;
  /** Fitted multipliers by absolute margin (the last entry is the tail, > maxKey). */
  multipliers: { absMargin: number | 'tail'; w: number }[];
  /** Test games by absolute margin: observed count and expected counts. */
  marginFrequencies: ({ absMargin: number; observed: number } & Model)[];
  pushes: { line: number; n: number; pushes: number; actualRate: number | null; normalRate: number | null; keyRate: number | null }[];
  /** Every test game at an integer line. */
  pushesIntegerLines: { n: number; pushes: number; normal: number; keyNumbers: number };
}

interface Groups { train: LineMargins[]; test: LineMargins[] }

function groups(p: MarginKeyNumbersParams, data: KernelData): Groups {
  return derived(data, 'margins.key_numbers', [p.trainFrom, p.trainTo, p.testFrom, p.testTo, p.includePlayoffs], () => {
    const rows = data.dataset<GameRow[]>('spreadspoke.games').filter((g) => p.includePlayoffs || !g.playoff);
    const pick = (from: number, to: number) => groupMargins(rows.filter((g) => g.season >= from && g.season <= to)
      .map((g) => ({ homeLine: g.homeLine, margin: g.homeScore - g.awayScore })));
    const out = { train: pick(p.trainFrom, p.trainTo), test: pick(p.testFrom, p.testTo) };
    if (!out.train.length || !out.test.length) throw new Error('margins.key_numbers: no games with a line in the training or test seasons');
    return out;
  });
}

/** Normal pmfs of the training lines at σ, cached per KernelData. */
const trainBases = (p: MarginKeyNumbersParams, data: KernelData, sigma: number): Float64Array[] =>
  derived(data, 'margins.key_numbers.bases', [p.trainFrom, p.trainTo, p.includePlayoffs, sigma], () => groups(p, data).train.map((g) => normalPmf(-g.line, sigma)));

/**
 * Calibrated on Node 20 (2-core VM, CPU time next to mc.season): a σ fit ≈ 0.1 s, a multiplier
 * iteration ≈ 0.2 ms (about 70 lines × 161 margins), scoring ≈ 30 ms.
 */
const FLOPS_SIGMA_FIT = 1e8;
const FLOPS_PER_ITERATION = 2e5;
const FLOPS_SCORE = 3e7;

const countGames = (gs: readonly LineMargins[]) => gs.reduce((a, g) => a + g.margins.length, 0);

export const marginKeyNumbers: Kernel<MarginKeyNumbersParams, State, MarginKeyNumbersOutput> = {
  name: 'margins.key_numbers',
  version: 1,
  title: 'Home-margin distribution given the spread: key-number multipliers vs discretised Normal',
  paramsSchema: MarginKeyNumbersParams,
  capabilities: { gpu: 'none', minMemoryMb: 64 },
  datasets: () => ['teams.crosswalk', 'spreadspoke.games'],
  costEstimate: (p) => (p.sigma === undefined ? FLOPS_SIGMA_FIT : 0) + FLOPS_SCORE + p.iterations * FLOPS_PER_ITERATION,
  totalSteps: (p) => 1 + Math.ceil(p.iterations / p.iterationsPerStep),
  init(p, _seed, data) {
    groups(p, data);
    return { params: p, step: 0, sigma: null, w: new Array<number>(p.maxKey + 2).fill(1), done: 0, lastChange: null };
  },
  step(s, data) {
    const p = s.params, g = groups(p, data);
    if (s.step === 0) s.sigma = p.sigma ?? round(fitMarginSigma(g.train), 10);
    else {
      const n = Math.min(p.iterationsPerStep, p.iterations - s.done);
      s.lastChange = iterateMultipliers(s.w, g.train, trainBases(p, data, s.sigma!), bucketCounts(g.train, p.maxKey), p.smoothing, p.maxKey, n);
      s.done += n;
    }
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('margins.key_numbers', p, snap, (s) => !Array.isArray(s.w)),
  finish(s, data) {
    const p = s.params, g = groups(p, data), sigma = s.sigma!;
    const score = (gs: LineMargins[]) => {
      const perGame: { normal: number; key: number }[] = [];
      gs.forEach((grp) => {
        const np = normalPmf(-grp.line, sigma), kp = keyPmf(np, s.w, p.maxKey);
        for (const k of grp.margins) perGame.push({ normal: Math.log(np[at(k)]), key: Math.log(kp[at(k)]) });
      });
      return perGame;
    };
    const train = score(g.train), test = score(g.test);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const nTest = test.length, diffs = test.map((x) => x.key - x.normal), dMean = sum(diffs) / nTest;
    const dSd = Math.sqrt(sum(diffs.map((d) => (d - dMean) ** 2)) / Math.max(1, nTest - 1));
    // expected margin counts and push probabilities on the test games
    const freq = Array.from({ length: 21 }, (_, m) => ({ absMargin: m, observed: 0, normal: 0, keyNumbers: 0 }));
    const push = new Map<number, { n: number; pushes: number; normal: number; key: number }>();
    const allInt = { n: 0, pushes: 0, normal: 0, keyNumbers: 0 };
    for (const grp of g.test) {
      const np = normalPmf(-grp.line, sigma), kp = keyPmf(np, s.w, p.maxKey), n = grp.margins.length;
      for (let m = 0; m <= 20; m++) {
        freq[m].normal += n * (m === 0 ? np[at(0)] : np[at(m)] + np[at(-m)]);
        freq[m].keyNumbers += n * (m === 0 ? kp[at(0)] : kp[at(m)] + kp[at(-m)]);
      }
      for (const k of grp.margins) if (Math.abs(k) <= 20) freq[Math.abs(k)].observed++;
      const integer = Number.isInteger(grp.line);
      const pushes = integer ? grp.margins.filter((k) => k === -grp.line).length : 0;
      const pn = integer ? np[at(-grp.line)] : 0, pk = integer ? kp[at(-grp.line)] : 0;
      const e = push.get(Math.abs(grp.line)) ?? { n: 0, pushes: 0, normal: 0, key: 0 };
      e.n += n; e.pushes += pushes; e.normal += n * pn; e.key += n * pk;
      push.set(Math.abs(grp.line), e);
      if (integer) { allInt.n += n; allInt.pushes += pushes; allInt.normal += n * pn; allInt.keyNumbers += n * pk; }
    }
    const rate = (x: number, n: number) => (n ? round(x / n, 8) : null);
    const per = (xs: typeof train) => ({ normal: round(sum(xs.map((x) => x.normal)) / xs.length, 8), keyNumbers: round(sum(xs.map((x) => x.key)) / xs.length, 8) });
    return {
      sigma: round(sigma, 8), sigmaFitted: p.sigma === undefined, smoothing: p.smoothing,
      train: { n: countGames(g.train), logLikPerGame: per(train) },
      test: {
        n: nTest, logLik: { normal: round(sum(test.map((x) => x.normal)), 6), keyNumbers: round(sum(test.map((x) => x.key)), 6) },
        logLikPerGame: per(test), diffPerGame: round(dMean, 8), diffSe: round(dSd / Math.sqrt(nTest), 8),
      },
      iterations: s.done, lastChange: round(s.lastChange ?? 0, 12),
      multipliers: s.w.map((w, b) => ({ absMargin: b <= p.maxKey ? b : 'tail', w: round(w, 8) })),
      marginFrequencies: freq.map((f) => ({ ...f, normal: round(f.normal, 6), keyNumbers: round(f.keyNumbers, 6) })),
      pushes: p.pushLines.map((line) => {
        const e = push.get(line) ?? { n: 0, pushes: 0, normal: 0, key: 0 };
        return { line, n: e.n, pushes: e.pushes, actualRate: rate(e.pushes, e.n), normalRate: rate(e.normal, e.n), keyRate: rate(e.key, e.n) };
      }),
      pushesIntegerLines: { n: allInt.n, pushes: allInt.pushes, normal: round(allInt.normal, 6), keyNumbers: round(allInt.keyNumbers, 6) },
    };
  },
  /** Equal within 1e-9 relative (outputs rounded to 6–8 decimals; same-engine reruns are bit-identical). */
  compare: (a, b) => a.multipliers.length === b.multipliers.length && a.pushes.length === b.pushes.length && nearlyEqual(a, b, 1e-9),
};
