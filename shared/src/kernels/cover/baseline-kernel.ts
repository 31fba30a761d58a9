import { z } from 'zod';
import { GAMESTATE_SEASONS } from '../../data/gamestate/datasets';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel } from '../types';
import { coverProbability, fitInputs, fitSigma, SIGMA_MAX, SIGMA_MIN } from './baseline';
import { addForecast, CALIBRATION_BINS, COVER_CLIP, emptyMetricSums, mergeSums, metricsOf, type CoverMetrics, type MetricSums } from './metrics';
import { seasonPlays, seasonPlaysDatasets } from './plays';

/*
 * cover.baseline@1: the analytic in-game cover probability (baseline.ts) scored season by season,
 * leave one season out. For each season in testSeasons, σ is fitted on the plays of the other
 * 2009–2019 seasons (minimum training log loss) and the held-out season's plays are scored with
 * it; with `sigma` given, no fit is made and every listed season is scored with that σ.
 * `overall` pools the held-out plays of all listed seasons (each scored with its own fold's σ).
 * Steps: one per test season. The computation has no randomness; the seed is not used.
 */

const SEASON = z.number().int().min(GAMESTATE_SEASONS[0]).max(GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1]);

export const CoverBaselineParams = z.strictObject({
  testSeasons: z.array(SEASON).min(1).default([...GAMESTATE_SEASONS]),
  sigma: z.number().min(SIGMA_MIN).max(SIGMA_MAX).optional(),
  clip: z.number().gt(0).max(0.01).default(COVER_CLIP),
}).refine((p) => p.testSeasons.every((s, i) => i === 0 || s > p.testSeasons[i - 1]),
  { message: 'testSeasons must be increasing, each season once', path: ['testSeasons'] });
export type CoverBaselineParams = z.output<typeof CoverBaselineParams>;

interface Fold {
  season: number;
  sigma: number;
  /** Plays the σ fit used (t > 0), 0 with a fixed σ. */
  trainPlays: number;
  trainLogLoss: number | null;
  sums: MetricSums;
}

interface State {
  params: CoverBaselineParams;
  step: number;
  folds: Fold[];
}

export interface CoverBaselineSeason extends CoverMetrics {
  season: number;
  sigma: number;
  trainPlays: number;
  trainLogLoss: number | null;
}

export interface CoverBaselineOutput {
  sigmaFrom: 'fixed' | 'training log loss';
  clip: number;
  bins: number;
  seasons: CoverBaselineSeason[];
  overall: CoverMetrics;
}

const r8 = (x: number) => round(x, 8);
const roundMetrics = (m: CoverMetrics): CoverMetrics =>
  ({ n: m.n, logLoss: r8(m.logLoss), brier: r8(m.brier), calibrationError: r8(m.calibrationError) });

export const trainingSeasons = (test: number): number[] => GAMESTATE_SEASONS.filter((s) => s !== test);

/**
 * Node 20 on a 2-core VM: parsing all eleven seasons takes about 1 s, a σ fit on ten seasons
 * (8–10 slope passes over 440k plays) about 0.9 s, scoring a season with a fixed σ about 10 ms.
 * One µs of this work is counted as 1,000 flops.
 */
const FLOPS_SETUP = 1e9;
const FLOPS_FIT = 9e8;
const FLOPS_SCORE = 1e7;

export const coverBaseline: Kernel<CoverBaselineParams, State, CoverBaselineOutput> = {
  name: 'cover.baseline',
  version: 1,
  title: 'In-game cover probability, analytic baseline (Normal remaining margin), leave one season out',
  paramsSchema: CoverBaselineParams,
  capabilities: { gpu: 'none', minMemoryMb: 512 },
  datasets: (p) => seasonPlaysDatasets(p.sigma === undefined ? GAMESTATE_SEASONS : p.testSeasons),
  costEstimate: (p) => FLOPS_SETUP + p.testSeasons.length * (FLOPS_SCORE + (p.sigma === undefined ? FLOPS_FIT : 0)),
  totalSteps: (p) => p.testSeasons.length,
  init: (p) => ({ params: p, step: 0, folds: [] }),
  step(s, data) {
    const p = s.params, season = p.testSeasons[s.step];
    let sigma = p.sigma, trainPlays = 0, trainLogLoss: number | null = null;
    if (sigma === undefined) {
      const { u, y } = fitInputs(trainingSeasons(season).map((t) => seasonPlays(data, t)));
      const fit = fitSigma(u, y, p.clip);
      sigma = fit.sigma;
      trainPlays = fit.n;
      trainLogLoss = fit.logLoss;
    }
    const test = seasonPlays(data, season), sums = emptyMetricSums(CALIBRATION_BINS);
    for (let i = 0; i < test.n; i++) addForecast(sums, coverProbability(test.lead[i], test.line[i], test.t[i], sigma), test.y[i], p.clip);
    s.folds.push({ season, sigma, trainPlays, trainLogLoss, sums });
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('cover.baseline', p, snap, (s) => !Array.isArray(s.folds) || s.folds.length !== s.step),
  finish(s) {
    const p = s.params;
    return {
      sigmaFrom: p.sigma === undefined ? 'training log loss' : 'fixed',
      clip: p.clip,
      bins: CALIBRATION_BINS,
      seasons: s.folds.map((f) => ({
        season: f.season, sigma: r8(f.sigma), trainPlays: f.trainPlays,
        trainLogLoss: f.trainLogLoss === null ? null : r8(f.trainLogLoss), ...roundMetrics(metricsOf(f.sums)),
      })),
      overall: roundMetrics(metricsOf(s.folds.map((f) => f.sums).reduce((a, b) => mergeSums(a, b)))),
    };
  },
  /** Play counts exactly; σ and scores within 1e-7 (outputs are rounded to 8 decimals). */
  compare: (a, b) => a.seasons.length === b.seasons.length
    && a.seasons.every((x, i) => x.season === b.seasons[i].season && x.n === b.seasons[i].n && x.trainPlays === b.seasons[i].trainPlays)
    && a.overall.n === b.overall.n && nearlyEqual(a, b, 1e-7),
};
