import { z } from 'zod';
import { bootstrapStatistic, cvmStatistic } from './cvm';
import { copulaData, CopulaDataFields, estimateGames, PARSE_SPREADSPOKE, SPREADSPOKE, type CopulaData } from './data';
import { COPULA_FAMILIES, splitFamily } from './families';
import { fitCostPerObs } from './fit';
import { DEFAULT_NU_GRID, fitCopula, type CopulaFit } from './mle';
import { derived } from '../derived-cache';
import { Rng, type RngState } from '../../math/rng';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import { sortedQuantile } from '../../stats/histogram';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * copula.gof@1: parametric-bootstrap p-value of the Cramér–von Mises statistic S_n for one
 * fitted family (Genest, Rémillard & Beaudoin 2009). The observed fit and S_n are a deterministic
 * function of params and data (the seed is not used for them, and ties are broken by `tieSeed`),
 * so every WU of a batch agrees on them; each WU adds `nReplicates` bootstrap replicates drawn
 * from its own seed (steps are chunks of `replicatesPerStep`).
 *
 * The bootstrap samples are continuous, so their pseudo-observations have no ties: with
 * `ties: 'average'` on integer scores the test also rejects for discreteness; `jitter` (the
 * default) is the matching treatment.
 *
 * Merging WUs of the same params with different seeds: add `exceed` and `replicates` (or pool
 * `statistics`), p = (Σ exceed + 1) / (Σ replicates + 1). 20 WUs × 50 replicates give 1000.
 */

export const CopulaGofParams = z.strictObject({
  ...CopulaDataFields,
  family: z.enum(COPULA_FAMILIES).default('gaussian'),
  nReplicates: z.number().int().min(1).max(100_000).default(50),
  replicatesPerStep: z.number().int().min(1).max(10_000).default(5),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] });
export type CopulaGofParams = z.output<typeof CopulaGofParams>;

interface State {
  params: CopulaGofParams;
  step: number;
  rng: RngState;
  /** S*_n of every replicate so far, in order. */
  statistics: number[];
}

export interface CopulaGofOutput {
  family: CopulaGofParams['family'];
  seasonFrom: number;
  seasonTo: number;
  variables: CopulaGofParams['variables'];
  ties: CopulaGofParams['ties'];
  method: CopulaGofParams['method'];
  n: number;
  fit: { theta: number; nu: number | null; logLik: number; aic: number; tau: number; atBoundary: boolean };
  /** Observed S_n. */
  statistic: number;
  replicates: number;
  /** Replicates with S*_n ≥ S_n. */
  exceed: number;
  /** (exceed + 1) / (replicates + 1) of this WU alone. */
  pValue: number;
  bootstrap: { mean: number; sd: number; p50: number; p95: number; max: number };
  /** Every S*_n (9 decimals), for pooling across WUs. */
  statistics: number[];
}

interface Observed {
  data: CopulaData;
  fit: CopulaFit;
  statistic: number;
}

function observed(p: CopulaGofParams, data: KernelData): Observed {
  const key = { ...p, nReplicates: 0, replicatesPerStep: 0 };
  return derived(data, 'copula.gof', key, () => {
    const d = copulaData(data, p);
    const fit = fitCopula(p.family, d.u, d.v, { method: p.method, nuGrid: p.nuGrid, tau: d.kendallTauPseudo });
    return { data: d, fit, statistic: cvmStatistic(p.family, fit, d.u, d.v) };
  });
}

/**
 * CPU ns per observation of one bootstrap replicate (simulate, rank, refit, S_n), measured on a
 * 2-core VM with Node 20 (n ≈ 3,900); the t copula pays per ν of its grid.
 */
const REPLICATE_NS = {
  mle: { gaussian: 3_500, clayton: 9_000, gumbel: 13_500, tPerNu: 2_700 },
  itau: { gaussian: 4_000, clayton: 3_500, gumbel: 4_000, tPerNu: 500 },
};

export const copulaGof: Kernel<CopulaGofParams, State, CopulaGofOutput> = {
  name: 'copula.gof',
  version: 1,
  title: 'Cramér–von Mises goodness of fit of a copula, parametric bootstrap chunk',
  paramsSchema: CopulaGofParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: () => ['teams.crosswalk', SPREADSPOKE],
  costEstimate(p) {
    const n = estimateGames(p);
    const grid = p.nuGrid ?? DEFAULT_NU_GRID;
    const c = REPLICATE_NS[p.method], { base } = splitFamily(p.family);
    const perReplicate = base === 't' ? 1_000 + c.tPerNu * grid.length : c[base];
    return PARSE_SPREADSPOKE + n * (fitCostPerObs(p.family, grid) + p.nReplicates * perReplicate);
  },
  totalSteps: (p) => Math.ceil(p.nReplicates / p.replicatesPerStep),
  init(p, seed, data) {
    observed(p, data);
    return { params: p, step: 0, rng: Rng.create(seed >>> 0, 0xc0b).exportState(), statistics: [] };
  },
  step(s, data) {
    const p = s.params;
    const obs = observed(p, data);
    const rng = Rng.fromState(s.rng);
    const k = Math.min(p.replicatesPerStep, p.nReplicates - s.statistics.length);
    for (let i = 0; i < k; i++) {
      s.statistics.push(bootstrapStatistic(p.family, obs.fit, obs.data.n, rng, { method: p.method, nuGrid: p.nuGrid }));
    }
    s.rng = rng.exportState();
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('copula.gof', p, snap, (s) => !Array.isArray(s.statistics)),
  finish(s, data) {
    const p = s.params;
    const obs = observed(p, data);
    const st = s.statistics;
    const r = st.length;
    const exceed = st.filter((x) => x >= obs.statistic).length;
    const mean = st.reduce((a, x) => a + x, 0) / r;
    const sd = Math.sqrt(st.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, r - 1));
    const sorted = [...st].sort((a, b) => a - b);
    const f = obs.fit;
    return {
      family: p.family, seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, variables: p.variables, ties: p.ties, method: p.method,
      n: obs.data.n,
      fit: { theta: round(f.theta, 9), nu: f.nu, logLik: round(f.logLik, 6), aic: round(f.aic, 6), tau: round(f.tau, 9), atBoundary: f.atBoundary },
      statistic: round(obs.statistic, 9),
      replicates: r,
      exceed,
      pValue: round((exceed + 1) / (r + 1), 9),
      bootstrap: {
        mean: round(mean, 9), sd: round(sd, 9), p50: round(sortedQuantile(sorted, 50), 9),
        p95: round(sortedQuantile(sorted, 95), 9), max: round(sorted[r - 1], 9),
      },
      statistics: st.map((x) => round(x, 9)),
    };
  },
  /** Relative 1e-6 on numbers; the counts (replicates, exceed) must match exactly. */
  compare: (a, b) => a.replicates === b.replicates && a.exceed === b.exceed && nearlyEqual(a, b, 1e-6),
};
