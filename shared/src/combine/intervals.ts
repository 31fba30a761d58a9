import { roundSignificant } from '../math/round';
import { summariseReplicates } from '../stats/bootstrap';
import { quantileSorted } from '../stats/descriptive';

/*
 * Percentile bootstrap intervals from replicate values, as stats/bootstrap.ts computes them: the
 * α/2 and 1 − α/2 type-7 quantiles of the B replicates, with their sd as the standard error.
 */

export interface Interval {
  /** The statistic of the pooled sample; null where it is undefined (no bets, say). */
  estimate: number | null;
  /** Null when the estimate or any replicate is undefined. */
  lower: number | null;
  upper: number | null;
  standardError: number | null;
}

/** Significant digits kept in merged figures. */
const DIGITS = 8;
const tidy = (x: number): number => roundSignificant(x, DIGITS);

/**
 * The interval of statistic `j` from replicates laid out resample by resample, `width` statistics
 * each (replicates[b·width + j]).
 */
export function percentileInterval(estimate: number, replicates: Float64Array, width: number, j: number, level: number): Interval {
  if (!Number.isFinite(estimate)) return { estimate: null, lower: null, upper: null, standardError: null };
  const B = replicates.length / width;
  const values = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const v = replicates[b * width + j]!;
    if (!Number.isFinite(v)) return { estimate: tidy(estimate), lower: null, upper: null, standardError: null };
    values[b] = v;
  }
  const { sorted, standardError } = summariseReplicates(values);
  const alpha = 1 - level;
  return {
    estimate: tidy(estimate),
    lower: tidy(quantileSorted(sorted, alpha / 2)),
    upper: tidy(quantileSorted(sorted, 1 - alpha / 2)),
    standardError: B > 1 ? tidy(standardError) : null,
  };
}
