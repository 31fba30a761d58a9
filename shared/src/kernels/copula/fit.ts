import { z } from 'zod';
import { cvmStatistic } from './cvm';
import { copulaData, CopulaDataFields, estimateGames, PARSE_SPREADSPOKE, SPREADSPOKE } from './data';
import { COPULA_FAMILIES, splitFamily, type CopulaFamily } from './families';
import { DEFAULT_NU_GRID, fitCopula, type CopulaFit } from './mle';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * copula.fit@1: the joint distribution of the two teams' scores (or of margin and total) in
 * spreadspoke.games, through its copula. Pseudo-observations by ranks (data.ts), then one
 * family per step fitted by maximum pseudo-likelihood or inversion of Kendall's tau
 * (mle.ts). Each fit reports its parameters, log-likelihood, AIC, BIC, implied tau and the
 * Cramér–von Mises statistic S_n; copula.gof@1 gives S_n its bootstrap p-value. The seed is
 * unused: the fit is a deterministic function of params and data.
 */

export const CopulaFitParams = z.strictObject({
  ...CopulaDataFields,
  families: z.array(z.enum(COPULA_FAMILIES)).min(1).max(COPULA_FAMILIES.length)
    .refine((f) => new Set(f).size === f.length, 'families must not repeat')
    .default(['gaussian', 't', 'clayton', 'gumbel']),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] });
export type CopulaFitParams = z.output<typeof CopulaFitParams>;

export interface CopulaFitResult extends Omit<CopulaFit, 'nuProfile'> {
  /** Cramér–von Mises statistic S_n at the fit. */
  cvm: number;
  nuProfile?: CopulaFit['nuProfile'];
}

interface State {
  params: CopulaFitParams;
  step: number;
  fits: CopulaFitResult[];
}

export interface CopulaFitOutput {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
  variables: CopulaFitParams['variables'];
  ties: CopulaFitParams['ties'];
  method: CopulaFitParams['method'];
  n: number;
  /** Of the raw pairs (tau-b with ties) and of the pseudo-observations the fits use. */
  kendallTau: number;
  spearmanRho: number;
  kendallTauPseudo: number;
  fits: CopulaFitResult[];
  /** Family with the lowest AIC. */
  bestByAic: CopulaFamily;
}

/**
 * CPU ns per pseudo-observation of one fit plus its S_n, measured on a 2-core VM with Node 20
 * (n ≈ 3,900): the t copula pays per ν of its grid.
 */
const FIT_NS_PER_OBS = { gaussian: 13_000, tPerNu: 3_300, clayton: 8_000, gumbel: 18_000 };

export function fitCostPerObs(f: CopulaFamily, nuGrid: readonly number[]): number {
  const { base } = splitFamily(f);
  return base === 't' ? FIT_NS_PER_OBS.tPerNu * nuGrid.length : FIT_NS_PER_OBS[base];
}

const roundFit = (f: CopulaFit, cvm: number): CopulaFitResult => ({
  ...f, theta: round(f.theta, 9), logLik: round(f.logLik, 6), aic: round(f.aic, 6), bic: round(f.bic, 6),
  tau: round(f.tau, 9), cvm: round(cvm, 9),
  ...(f.nuProfile ? { nuProfile: f.nuProfile.map((p) => ({ nu: p.nu, rho: round(p.rho, 9), logLik: round(p.logLik, 6) })) } : {}),
});

export const copulaFit: Kernel<CopulaFitParams, State, CopulaFitOutput> = {
  name: 'copula.fit',
  version: 1,
  title: 'Copula fits (Gaussian, t, Clayton, Gumbel) to NFL score pairs',
  paramsSchema: CopulaFitParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: () => ['teams.crosswalk', SPREADSPOKE],
  costEstimate(p) {
    const n = estimateGames(p);
    return PARSE_SPREADSPOKE + p.families.reduce((s, f) => s + n * fitCostPerObs(f, p.nuGrid ?? DEFAULT_NU_GRID), 0);
  },
  totalSteps: (p) => p.families.length,
  init(p, _seed, data) {
    copulaData(data, p); // fail at init if the range is empty
    return { params: p, step: 0, fits: [] };
  },
  step(s, data) {
    const p = s.params;
    const family = p.families[s.step];
    const d = copulaData(data, p);
    const fit = fitCopula(family, d.u, d.v, { method: p.method, nuGrid: p.nuGrid, tau: d.kendallTauPseudo });
    s.fits.push(roundFit(fit, cvmStatistic(family, fit, d.u, d.v)));
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('copula.fit', p, snap, (s) => !Array.isArray(s.fits)),
  finish(s, data) {
    const p = s.params;
    const d = copulaData(data, p);
    const best = s.fits.reduce((a, b) => (b.aic < a.aic ? b : a));
    return {
      seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, includePlayoffs: p.includePlayoffs, variables: p.variables,
      ties: p.ties, method: p.method, n: d.n, kendallTau: round(d.kendallTau, 9), spearmanRho: round(d.spearmanRho, 9),
      kendallTauPseudo: round(d.kendallTauPseudo, 9), fits: s.fits, bestByAic: best.family,
    };
  },
  /** Relative 1e-6: fits are deterministic, the tolerance only absorbs libm differences across engines. */
  compare: (a, b) => nearlyEqual(a, b, 1e-6),
};
