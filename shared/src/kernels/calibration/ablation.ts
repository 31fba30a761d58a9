import { z } from 'zod';
import { GAME_TABLE_DATASETS, gameTable, type TableGame } from './games';
import { logLossOf } from './metrics';
import { foldsOf } from './fit';
import { derived } from '../derived-cache';
import { logisticL1, predictLogistic, type LogisticFit } from './logistic';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * calibration.ablation@1: which pre-game features carry information about the home win, by
 * L1-regularised logistic regression (logistic.ts, FISTA) and drop-one-feature ablations scored by
 * repeated k-fold cross-validated log loss and Brier.
 *
 * Features (games seasonFrom..seasonTo with a line and a total, and with 538 Elo when eloDiff is
 * used; a tie is y = 0.5):
 *   homeLine    closing home line (points, negative = home favoured)
 *   total       closing over/under
 *   lineXtotal  homeLine·(total − 44)/10 (does a point of spread mean more in a low-scoring game?
 *               centred at 44 so it is nearly uncorrelated with homeLine)
 *   eloDiff     538 pre-game Elo of home − away, / 25 (538's points convention)
 *   restDiff    home rest days − away rest days, each capped at 14 (a first game counts as 14)
 *   neutral     neutral site (0/1)
 *   playoff     playoff game (0/1)
 * Each training fold standardises its features (its own mean and sd) and fits
 * (1/n)Σ nll + λ‖β‖₁ with the intercept free. Ablations: all features, each feature dropped in
 * turn, and the intercept alone; every ablation of a repeat uses the same folds (seed, repeat),
 * so differences are paired. Steps: one per (ablation, repeat), then one full-data fit.
 */

const ABLATION_FEATURES = ['homeLine', 'total', 'lineXtotal', 'eloDiff', 'restDiff', 'neutral', 'playoff'] as const;
export type AblationFeature = (typeof ABLATION_FEATURES)[number];

const REST_CAP = 14;

const featureValue: Record<AblationFeature, (g: TableGame) => number> = {
  homeLine: (g) => g.homeLine!,
  total: (g) => g.total!,
  lineXtotal: (g) => (g.homeLine! * (g.total! - 44)) / 10,
  eloDiff: (g) => g.eloDiff! / 25,
  restDiff: (g) => Math.min(g.restHome ?? REST_CAP, REST_CAP) - Math.min(g.restAway ?? REST_CAP, REST_CAP),
  neutral: (g) => (g.neutral ? 1 : 0),
  playoff: (g) => (g.playoff ? 1 : 0),
};

export const CalibrationAblationParams = z.strictObject({
  seasonFrom: z.number().int().min(1979).max(2025).default(2002),
  seasonTo: z.number().int().min(1979).max(2025).default(2020),
  includePlayoffs: z.boolean().default(true),
  features: z.array(z.enum(ABLATION_FEATURES)).min(1).max(ABLATION_FEATURES.length).default([...ABLATION_FEATURES])
    .refine((f) => new Set(f).size === f.length, 'features must not repeat'),
  /** L1 penalty on standardised coefficients, per game. */
  lambda: z.number().min(0).max(1).default(0.001),
  folds: z.number().int().min(2).max(20).default(5),
  repeats: z.number().int().min(1).max(50).default(2),
  maxIter: z.number().int().min(10).max(20_000).default(3000),
  tol: z.number().gt(0).max(1e-3).default(1e-7),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] });
export type CalibrationAblationParams = z.output<typeof CalibrationAblationParams>;

export interface AblationRow {
  /** null: all features; 'all': intercept only; else the feature left out. */
  dropped: AblationFeature | 'all' | null;
  logLoss: number;
  logLossSd: number;
  brier: number;
  /** Mean over repeats of (this − all features): positive means the dropped feature helped. */
  deltaLogLoss: number;
}

export interface CalibrationAblationOutput {
  n: number;
  seasonFrom: number;
  seasonTo: number;
  features: AblationFeature[];
  lambda: number;
  folds: number;
  repeats: number;
  ablations: AblationRow[];
  /** Full-data fit: coefficients per standardised feature and per raw unit. */
  full: { intercept: number; coef: { feature: AblationFeature; standardised: number; raw: number }[]; iterations: number; converged: boolean };
}

interface Design { x: number[][]; y: number[] }

interface State {
  params: CalibrationAblationParams;
  seed: number;
  step: number;
  /** cv[a][r] = { logLoss, brier } of ablation a in repeat r. */
  cv: { logLoss: number; brier: number }[][];
  full: CalibrationAblationOutput['full'] | null;
}

const ablationsOf = (p: CalibrationAblationParams): (AblationFeature | 'all' | null)[] => [null, ...p.features, 'all'];

function designOf(p: CalibrationAblationParams, table: readonly TableGame[]): Design {
  const games = table.filter((g) => g.season >= p.seasonFrom && g.season <= p.seasonTo && (p.includePlayoffs || !g.playoff)
    && g.homeLine !== null && g.total !== null && (!p.features.includes('eloDiff') || g.eloDiff !== null));
  if (games.length < 4 * p.folds) throw new Error(`calibration.ablation: only ${games.length} games have every feature`);
  return { x: games.map((g) => p.features.map((f) => featureValue[f](g))), y: games.map((g) => g.y) };
}

function design(p: CalibrationAblationParams, data: KernelData): Design {
  return derived(data, 'calibration.ablation', [p.seasonFrom, p.seasonTo, p.includePlayoffs, p.features], () => designOf(p, gameTable(data)));
}

/** Standardises columns `cols` of the rows by the mean and sd of the rows in `fit`. */
function standardiser(x: number[][], fit: number[], cols: number[]): (row: number[]) => number[] {
  const mean = cols.map((c) => fit.reduce((a, i) => a + x[i][c], 0) / fit.length);
  const sd = cols.map((c, k) => Math.sqrt(fit.reduce((a, i) => a + (x[i][c] - mean[k]) ** 2, 0) / fit.length) || 1);
  return (row) => cols.map((c, k) => (row[c] - mean[k]) / sd[k]);
}

function fitCols(d: Design, rows: number[], cols: number[], p: CalibrationAblationParams): { fit: LogisticFit; std: (r: number[]) => number[] } {
  const std = standardiser(d.x, rows, cols);
  const fit = logisticL1(rows.map((i) => std(d.x[i])), rows.map((i) => d.y[i]), { lambda: p.lambda, maxIter: p.maxIter, tol: p.tol });
  return { fit, std };
}

function crossValidate(d: Design, cols: number[], p: CalibrationAblationParams, fold: Int32Array): { logLoss: number; brier: number } {
  let ll = 0, br = 0;
  for (let k = 0; k < p.folds; k++) {
    const tr: number[] = [], te: number[] = [];
    for (let i = 0; i < d.y.length; i++) (fold[i] === k ? te : tr).push(i);
    const { fit, std } = fitCols(d, tr, cols, p);
    for (const i of te) {
      const q = predictLogistic(fit, std(d.x[i]));
      ll += logLossOf(q, d.y[i]);
      br += (q - d.y[i]) ** 2;
    }
  }
  return { logLoss: ll / d.y.length, brier: br / d.y.length };
}

/**
 * Calibrated on Node 20 (2-core VM, CPU time next to mc.season): one FISTA fit costs ≈ 0.65 µs
 * per game and coefficient (50 power iterations plus some 50–300 proximal steps).
 */
const FLOPS_PER_GAME_FEATURE_FIT = 650;
const GAMES_PER_SEASON = 265;

export const calibrationAblation: Kernel<CalibrationAblationParams, State, CalibrationAblationOutput> = {
  name: 'calibration.ablation',
  version: 1,
  title: 'L1 logistic regression of home wins: drop-one-feature ablations by repeated k-fold CV',
  paramsSchema: CalibrationAblationParams,
  capabilities: { gpu: 'none', minMemoryMb: 64 },
  datasets: () => [...GAME_TABLE_DATASETS],
  costEstimate: (p) => {
    const n = GAMES_PER_SEASON * (p.seasonTo - p.seasonFrom + 1), f = p.features.length + 1;
    return 1e8 + (ablationsOf(p).length * p.repeats * p.folds + 1) * n * f * FLOPS_PER_GAME_FEATURE_FIT;
  },
  totalSteps: (p) => ablationsOf(p).length * p.repeats + 1,
  init: (p, seed, data) => {
    design(p, data);
    return { params: p, seed: seed >>> 0, step: 0, cv: ablationsOf(p).map(() => []), full: null };
  },
  step(s, data) {
    const p = s.params, d = design(p, data), abl = ablationsOf(p);
    const all = p.features.map((_, c) => c);
    if (s.step < abl.length * p.repeats) {
      const a = Math.floor(s.step / p.repeats), r = s.step % p.repeats, drop = abl[a];
      const cols = drop === 'all' ? [] : all.filter((c) => p.features[c] !== drop);
      s.cv[a][r] = crossValidate(d, cols, p, foldsOf(d.y.length, p.folds, s.seed, r));
    } else {
      const rows = d.y.map((_, i) => i);
      const { fit } = fitCols(d, rows, all, p);
      const sd = all.map((c) => Math.sqrt(rows.reduce((acc, i) => acc + d.x[i][c] ** 2, 0) / rows.length
        - (rows.reduce((acc, i) => acc + d.x[i][c], 0) / rows.length) ** 2) || 1);
      s.full = {
        intercept: round(fit.intercept, 8), iterations: fit.iterations, converged: fit.converged,
        coef: p.features.map((feature, c) => ({ feature, standardised: round(fit.coef[c], 8), raw: round(fit.coef[c] / sd[c], 8) })),
      };
    }
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('calibration.ablation', p, snap, (s) => !Array.isArray(s.cv)),
  finish(s, data) {
    const p = s.params, abl = ablationsOf(p);
    const base = s.cv[0];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      n: design(p, data).y.length, seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, features: [...p.features], lambda: p.lambda,
      folds: p.folds, repeats: p.repeats,
      ablations: abl.map((dropped, a) => {
        const ll = s.cv[a].map((x) => x.logLoss), m = mean(ll);
        return {
          dropped, logLoss: round(m, 8),
          logLossSd: round(ll.length > 1 ? Math.sqrt(ll.reduce((acc, v) => acc + (v - m) ** 2, 0) / (ll.length - 1)) : 0, 8),
          brier: round(mean(s.cv[a].map((x) => x.brier)), 8),
          deltaLogLoss: round(mean(s.cv[a].map((x, r) => x.logLoss - base[r].logLoss)), 8),
        };
      }),
      full: s.full!,
    };
  },
  /**
   * Within 1e-6 relative: FISTA stops on a tolerance, so hosts whose floating point differs in the
   * last place could stop an iteration apart; same-engine reruns are bit-identical.
   */
  compare: (a, b) => a.ablations.length === b.ablations.length && a.ablations.every((x, i) => x.dropped === b.ablations[i].dropped)
    && nearlyEqual(a, b, 1e-6),
};
