/*
 * One-way analysis of variance (fixed effects) for k ≥ 2 independent groups:
 *
 *   SSB = Σ nⱼ (x̄ⱼ − x̄)²,  SSW = Σⱼ Σᵢ (xᵢⱼ − x̄ⱼ)²,  F = (SSB/(k − 1)) / (SSW/(N − k))
 *
 * p = P(F(k − 1, N − k) > F), and the effect size η² = SSB / (SSB + SSW), the share of the total
 * variation explained by group membership (Cohen 1988, §8.2).
 */
import { mean, sumOfSquares } from './descriptive';
import { StatsError } from '../math/errors';
import { fSf } from './f-dist';
import { requireSample } from '../math/validate';

export interface AnovaResult {
  /** F statistic. */
  statistic: number;
  dfBetween: number;
  dfWithin: number;
  pValue: number;
  ssBetween: number;
  ssWithin: number;
  ssTotal: number;
  msBetween: number;
  msWithin: number;
  etaSquared: number;
  grandMean: number;
  groupMeans: number[];
}

export function oneWayAnova(groups: readonly (readonly number[])[]): AnovaResult {
  if (!Array.isArray(groups)) throw new StatsError('bad_argument', 'groups must be an array of samples');
  if (groups.length === 0) throw new StatsError('empty_sample', 'no groups');
  if (groups.length < 2) throw new StatsError('too_small', 'ANOVA needs at least 2 groups');
  groups.forEach((g, j) => requireSample(`groups[${j}]`, g));
  const k = groups.length;
  let n = 0, total = 0;
  for (const g of groups) { n += g.length; for (const v of g) total += v; }
  if (n <= k) throw new StatsError('too_small', `ANOVA needs more observations (${n}) than groups (${k})`);
  const grandMean = total / n;
  const groupMeans = groups.map((g) => mean(g));
  let ssBetween = 0, ssWithin = 0;
  groups.forEach((g, j) => {
    ssBetween += g.length * (groupMeans[j] - grandMean) ** 2;
    ssWithin += sumOfSquares(g);
  });
  if (ssWithin === 0) throw new StatsError('zero_variance', 'every group is constant: within-group variance is 0, F undefined');
  const dfBetween = k - 1, dfWithin = n - k;
  const msBetween = ssBetween / dfBetween, msWithin = ssWithin / dfWithin;
  const statistic = msBetween / msWithin;
  const ssTotal = ssBetween + ssWithin;
  return {
    statistic, dfBetween, dfWithin, pValue: fSf(statistic, dfBetween, dfWithin),
    ssBetween, ssWithin, ssTotal, msBetween, msWithin, etaSquared: ssBetween / ssTotal, grandMean, groupMeans,
  };
}

/** η² = SSB / SST of a one-way layout (see oneWayAnova). */
export function etaSquared(groups: readonly (readonly number[])[]): number {
  return oneWayAnova(groups).etaSquared;
}
