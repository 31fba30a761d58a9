import { bvnCdf, bvtCdf } from './bivariate';
import { copulaCdf, type CopulaFamily } from './families';
import { scores } from './scores';
import { fitCopula, type CopulaFit, type FitOptions } from './mle';
import { empiricalCopulaAtPoints, pseudoObservations } from './rank';
import { sampleCopula } from './sample';
import type { Rng } from '../../math/rng';

/*
 * The Cramér–von Mises goodness-of-fit statistic of Genest, Rémillard & Beaudoin (2009),
 *   S_n = Σ_i (C_n(U_i, V_i) − C_θn(U_i, V_i))²,
 * with C_n the empirical copula of the pseudo-observations and θn their fitted parameter, and one
 * replicate of its parametric bootstrap (their Appendix A): draw n points from C_θn, take their
 * pseudo-observations, refit by the same method, and compute S*_n. The p-value is the share of
 * replicates with S*_n ≥ S_n; copula.gof reports (exceed + 1)/(replicates + 1).
 */

export function cvmStatistic(family: CopulaFamily, fit: Pick<CopulaFit, 'theta' | 'nu'>, u: Float64Array, v: Float64Array): number {
  const cn = empiricalCopulaAtPoints(u, v);
  const p = { theta: fit.theta, nu: fit.nu ?? undefined };
  let s = 0;
  if (family === 'gaussian' || family === 't') {
    // the same CDF as copulaCdf, with the scores looked up (scores.ts)
    const nu = family === 't' ? fit.nu! : 0;
    const a = scores(nu, u), b = scores(nu, v);
    for (let i = 0; i < u.length; i++) {
      const d = cn[i] - (nu === 0 ? bvnCdf(a[i], b[i], fit.theta) : bvtCdf(nu, a[i], b[i], fit.theta));
      s += d * d;
    }
    return s;
  }
  for (let i = 0; i < u.length; i++) {
    const d = cn[i] - copulaCdf(family, p, u[i], v[i]);
    s += d * d;
  }
  return s;
}

/** One bootstrap replicate S*_n under the fitted copula. */
export function bootstrapStatistic(family: CopulaFamily, fit: CopulaFit, n: number, rng: Rng, opts: FitOptions): number {
  const sample = sampleCopula(family, { theta: fit.theta, nu: fit.nu ?? undefined }, n, rng);
  const po = pseudoObservations(sample.u, sample.v, 'average');
  const refit = fitCopula(family, po.u, po.v, { method: opts.method, nuGrid: opts.nuGrid });
  return cvmStatistic(family, refit, po.u, po.v);
}
