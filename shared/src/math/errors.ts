/*
 * The one error class of the special functions and the statistics built on them. Every bad input
 * throws StatsError with a code a caller can switch on (and an API can turn into JSON), never a
 * bare Error or a silent NaN.
 */

export type StatsErrorCode =
  /** A sample, list of p-values or table with no entries. */
  | 'empty_sample'
  /** Fewer observations than the method needs (e.g. a variance from one value). */
  | 'too_small'
  /** NaN or ±Infinity where a finite number is required. */
  | 'not_finite'
  /** The statistic is 0/0 because the data do not vary (t with both variances 0, F with SSW = 0, d with pooled SD 0). */
  | 'zero_variance'
  /** A parameter outside its domain: df ≤ 0, p outside [0, 1], level outside (0, 1), unknown option. */
  | 'bad_argument'
  /** A contingency table that is ragged, negative, smaller than 2×2, or has an all-zero row or column. */
  | 'bad_table'
  /** The estimate is undefined for these data (BCa with every replicate on one side, Storey π0 = 0). */
  | 'degenerate'
  /** An iterative special-function evaluation did not converge (should not happen for sane inputs). */
  | 'no_convergence';

export class StatsError extends Error {
  constructor(readonly code: StatsErrorCode, message: string) {
    super(message);
    this.name = 'StatsError';
  }
}
