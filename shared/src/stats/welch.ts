/*
 * Welch's unequal-variance t-test (Welch 1947, Biometrika 34:28–35) of H0: μx − μy = mu.
 *
 *   t = (x̄ − ȳ − mu) / se,   se² = sx²/nx + sy²/ny
 *   ν = se⁴ / ((sx²/nx)²/(nx − 1) + (sy²/ny)²/(ny − 1))          (Welch–Satterthwaite)
 *
 * p-value and the confidence interval for μx − μy from Student's t with ν (non-integer) df; a
 * one-sided alternative gives a one-sided interval, as R's t.test does.
 */
import { mean, variance } from './descriptive';
import { StatsError } from '../math/errors';
import { studentTCdf, studentTQuantile, studentTSf } from './student-t';
import { requireAlternative, type Alternative } from './alternative';
import { requireFinite, requireOpenUnit, requireSample } from '../math/validate';

export interface WelchOptions {
  alternative?: Alternative;
  /** Hypothesised difference μx − μy, default 0. */
  mu?: number;
  /** Confidence level of the interval, default 0.95. */
  level?: number;
}

export interface WelchResult {
  statistic: number;
  df: number;
  pValue: number;
  alternative: Alternative;
  meanX: number;
  meanY: number;
  /** x̄ − ȳ. */
  difference: number;
  standardError: number;
  level: number;
  /** Interval for μx − μy (−Infinity or Infinity on the open side of a one-sided test). */
  lower: number;
  upper: number;
}

export function welchTTest(x: readonly number[], y: readonly number[], opts: WelchOptions = {}): WelchResult {
  requireSample('x', x, 2);
  requireSample('y', y, 2);
  const alternative = opts.alternative ?? 'two-sided';
  requireAlternative(alternative);
  const mu = opts.mu ?? 0;
  requireFinite('mu', mu);
  const level = opts.level ?? 0.95;
  requireOpenUnit('level', level);

  const nx = x.length, ny = y.length;
  const meanX = mean(x), meanY = mean(y);
  const vx = variance(x) / nx, vy = variance(y) / ny;
  const se2 = vx + vy;
  if (se2 === 0) throw new StatsError('zero_variance', 'both samples are constant: the t statistic and its df are 0/0');
  const standardError = Math.sqrt(se2);
  const df = (se2 * se2) / ((vx * vx) / (nx - 1) + (vy * vy) / (ny - 1));
  const difference = meanX - meanY;
  const statistic = (difference - mu) / standardError;

  let pValue: number, lower: number, upper: number;
  if (alternative === 'less') {
    pValue = studentTCdf(statistic, df);
    lower = -Infinity;
    upper = difference + studentTQuantile(level, df) * standardError;
  } else if (alternative === 'greater') {
    pValue = studentTSf(statistic, df);
    lower = difference - studentTQuantile(level, df) * standardError;
    upper = Infinity;
  } else {
    pValue = Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
    const h = studentTQuantile(1 - (1 - level) / 2, df) * standardError;
    lower = difference - h;
    upper = difference + h;
  }
  return { statistic, df, pValue, alternative, meanX, meanY, difference, standardError, level, lower, upper };
}
