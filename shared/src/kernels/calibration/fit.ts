import { z } from 'zod';
import { GAME_TABLE_DATASETS, gameTable, type TableGame } from './games';
import { clipProb, probMetrics, reliabilityBins, type ProbMetrics, type ReliabilityBin } from './metrics';
import { DEFAULT_SPREAD_SIGMA, spreadProb } from './spread';
import { derived } from '../derived-cache';
import { isotonicFit, isotonicPredict } from './isotonic';
import { logisticIrls, logit, plattFit, plattPredict, predictLogistic } from './logistic';
import { Rng } from '../../math/rng';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * calibration.fit@1: how well calibrated are pre-game home-win probabilities, and how much do
 * Platt scaling and isotonic regression (PAV) repair, by repeated k-fold cross-validation.
 *
 * Sources (games seasonFrom..seasonTo with a closing line, playoffs unless excluded; a tie is
 * y = 0.5): `spread` Φ(−homeLine/σ); `elo` 538's elo_prob1 (games 538 has, through 2020);
 * `logistic` σ(β₀ + β₁·homeLine) fitted by IRLS on the `logisticTrainSeasons` seasons before
 * seasonFrom (so out of sample). Platt fits σ(a·logit(p) + b) with Platt's smoothed targets;
 * isotonic maps p by PAV (isotonic.ts). Every repeat shuffles the games with Rng(seed, repeat),
 * deals them round-robin into `folds` folds, fits on k−1 folds and predicts the held-out one;
 * the out-of-fold forecasts of a repeat are scored together. Every method's forecasts are clipped
 * to [clip, 1 − clip] before scoring (isotonic can give exactly 0 or 1, whose log loss is
 * infinite). Reliability diagrams use 10 equal-width bins: raw on all games, calibrated from the
 * out-of-fold forecasts of repeat 0.
 * Steps: one per repeat.
 */

export const CalibrationFitParams = z.strictObject({
  source: z.enum(['spread', 'elo', 'logistic']).default('spread'),
  seasonFrom: z.number().int().min(1979).max(2025).default(2009),
  seasonTo: z.number().int().min(1979).max(2025).default(2025),
  includePlayoffs: z.boolean().default(true),
  sigma: z.number().min(5).max(30).default(DEFAULT_SPREAD_SIGMA),
  logisticTrainSeasons: z.number().int().min(1).max(30).default(10),
  folds: z.number().int().min(2).max(50).default(10),
  repeats: z.number().int().min(1).max(200).default(5),
  clip: z.number().gt(0).max(0.05).default(0.001),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] })
  .refine((p) => p.source !== 'logistic' || p.seasonFrom - p.logisticTrainSeasons >= 1979,
    { message: 'the logistic source needs lines for its training seasons (1979 on)', path: ['logisticTrainSeasons'] });
export type CalibrationFitParams = z.output<typeof CalibrationFitParams>;

interface RepeatResult { platt: ProbMetrics; isotonic: ProbMetrics }

interface State {
  params: CalibrationFitParams;
  seed: number;
  step: number;
  repeats: RepeatResult[];
  reliability: { platt: ReliabilityBin[]; isotonic: ReliabilityBin[] } | null;
}

interface Summary { mean: ProbMetrics; sd: ProbMetrics }

export interface CalibrationFitOutput {
  source: CalibrationFitParams['source'];
  seasonFrom: number;
  seasonTo: number;
  n: number;
  ties: number;
  folds: number;
  repeats: number;
  raw: ProbMetrics & { reliability: ReliabilityBin[] };
  platt: Summary & { full: { a: number; b: number }; reliability: ReliabilityBin[] };
  isotonic: Summary & { fullBlocks: number; reliability: ReliabilityBin[] };
  perRepeat: RepeatResult[];
}

export interface Forecasts { p: number[]; y: number[] }

const inRange = (g: TableGame, p: { seasonFrom: number; seasonTo: number; includePlayoffs: boolean }) =>
  g.season >= p.seasonFrom && g.season <= p.seasonTo && g.homeLine !== null && (p.includePlayoffs || !g.playoff);

function forecastsOf(p: CalibrationFitParams, table: readonly TableGame[]): Forecasts {
  let prob: (g: TableGame) => number | null;
  if (p.source === 'spread') prob = (g) => spreadProb(g.homeLine!, p.sigma);
  else if (p.source === 'elo') prob = (g) => g.eloProb;
  else {
    const train = table.filter((g) => inRange(g, { ...p, seasonFrom: p.seasonFrom - p.logisticTrainSeasons, seasonTo: p.seasonFrom - 1 }));
    const fit = logisticIrls(train.map((g) => [g.homeLine!]), train.map((g) => g.y));
    prob = (g) => predictLogistic(fit, [g.homeLine!]);
  }
  const out: Forecasts = { p: [], y: [] };
  for (const g of table) {
    if (!inRange(g, p)) continue;
    const q = prob(g);
    if (q === null) continue;
    out.p.push(q);
    out.y.push(g.y);
  }
  if (out.p.length < 2 * p.folds) throw new Error(`calibration.fit: only ${out.p.length} games with a ${p.source} forecast`);
  return out;
}

function forecasts(p: CalibrationFitParams, data: KernelData): Forecasts {
  const key = { source: p.source, from: p.seasonFrom, to: p.seasonTo, po: p.includePlayoffs, sigma: p.sigma, lt: p.logisticTrainSeasons, folds: p.folds };
  return derived(data, 'calibration.forecasts', key, () => forecastsOf(p, gameTable(data)));
}

/** The fold of each game in one repeat: a seeded shuffle dealt round-robin. */
export function foldsOf(n: number, folds: number, seed: number, repeat: number): Int32Array {
  const rng = Rng.create(seed >>> 0, repeat);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
  const fold = new Int32Array(n);
  perm.forEach((g, pos) => { fold[g] = pos % folds; });
  return fold;
}

const roundMetrics = (m: ProbMetrics): ProbMetrics =>
  ({ brier: round(m.brier, 8), logLoss: round(m.logLoss, 8), ece10: round(m.ece10, 8), ece15: round(m.ece15, 8) });

const roundBins = (bins: ReliabilityBin[]): ReliabilityBin[] => bins.map((b) => ({
  ...b, meanPredicted: b.meanPredicted === null ? null : round(b.meanPredicted, 8), observed: b.observed === null ? null : round(b.observed, 8),
}));

function crossValidate(f: Forecasts, p: CalibrationFitParams, fold: Int32Array): { platt: number[]; isotonic: number[] } {
  const n = f.p.length;
  const scores = f.p.map((q) => logit(clipProb(q, 1e-12)));
  const platt = new Array<number>(n), iso = new Array<number>(n);
  for (let k = 0; k < p.folds; k++) {
    const tr: number[] = [], te: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
    const pm = plattFit(tr.map((i) => scores[i]), tr.map((i) => f.y[i]));
    const im = isotonicFit(tr.map((i) => f.p[i]), tr.map((i) => f.y[i]));
    for (const i of te) { platt[i] = plattPredict(pm, scores[i]); iso[i] = isotonicPredict(im, f.p[i]); }
  }
  return { platt, isotonic: iso };
}

const summarise = (xs: ProbMetrics[]): Summary => {
  const keys = ['brier', 'logLoss', 'ece10', 'ece15'] as const;
  const mean = {} as ProbMetrics, sd = {} as ProbMetrics;
  for (const k of keys) {
    const v = xs.map((x) => x[k]), m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[k] = round(m, 8);
    sd[k] = round(v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0, 8);
  }
  return { mean, sd };
};

/**
 * Calibrated on Node 20 (2-core VM, CPU time next to mc.season): a fold's Platt fit (IRLS),
 * isotonic fit and predictions cost ≈ 3 µs per game.
 */
const FLOPS_PER_GAME_FOLD = 3000;
const FLOPS_SETUP = 1e8;

export const calibrationFit: Kernel<CalibrationFitParams, State, CalibrationFitOutput> = {
  name: 'calibration.fit',
  version: 1,
  title: 'Calibration of win probabilities (spread, Elo, logistic): Platt and isotonic by repeated k-fold CV',
  paramsSchema: CalibrationFitParams,
  capabilities: { gpu: 'none', minMemoryMb: 64 },
  datasets: () => [...GAME_TABLE_DATASETS],
  costEstimate: (p) => FLOPS_SETUP + p.repeats * p.folds * 270 * (p.seasonTo - p.seasonFrom + 1) * FLOPS_PER_GAME_FOLD,
  totalSteps: (p) => p.repeats,
  init: (p, seed, data) => {
    forecasts(p, data);
    return { params: p, seed: seed >>> 0, step: 0, repeats: [], reliability: null };
  },
  step(s, data) {
    const p = s.params, f = forecasts(p, data);
    const oof = crossValidate(f, p, foldsOf(f.p.length, p.folds, s.seed, s.step));
    const platt = oof.platt.map((q) => clipProb(q, p.clip)), iso = oof.isotonic.map((q) => clipProb(q, p.clip));
    s.repeats.push({ platt: roundMetrics(probMetrics(platt, f.y)), isotonic: roundMetrics(probMetrics(iso, f.y)) });
    if (s.step === 0) s.reliability = { platt: roundBins(reliabilityBins(platt, f.y, 10)), isotonic: roundBins(reliabilityBins(iso, f.y, 10)) };
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('calibration.fit', p, snap, (s) => !Array.isArray(s.repeats)),
  finish(s, data) {
    const p = s.params, f = forecasts(p, data);
    const scores = f.p.map((q) => logit(clipProb(q, 1e-12)));
    const full = plattFit(scores, f.y);
    const raw = f.p.map((q) => clipProb(q, p.clip));
    return {
      source: p.source, seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, n: f.p.length, ties: f.y.filter((y) => y === 0.5).length,
      folds: p.folds, repeats: p.repeats,
      raw: { ...roundMetrics(probMetrics(raw, f.y)), reliability: roundBins(reliabilityBins(raw, f.y, 10)) },
      platt: { ...summarise(s.repeats.map((r) => r.platt)), full: { a: round(full.a, 8), b: round(full.b, 8) }, reliability: s.reliability!.platt },
      isotonic: { ...summarise(s.repeats.map((r) => r.isotonic)), fullBlocks: isotonicFit(f.p, f.y).value.length, reliability: s.reliability!.isotonic },
      perRepeat: s.repeats,
    };
  },
  /** Equal within 1e-9 relative (outputs rounded to 8 decimals; same-engine reruns are bit-identical). */
  compare: (a, b) => a.perRepeat.length === b.perRepeat.length && nearlyEqual(a, b, 1e-9),
};
