import { StatsError } from '../math/errors';

/*
 * The alternative hypothesis of a test, spelled as in R's `alternative =`, and its check.
 */

/** Direction of the alternative hypothesis, as in R's `alternative =`. */
export type Alternative = 'two-sided' | 'less' | 'greater';

export function requireAlternative(alt: string): asserts alt is Alternative {
  if (alt !== 'two-sided' && alt !== 'less' && alt !== 'greater') {
    throw new StatsError('bad_argument', `alternative must be 'two-sided', 'less' or 'greater', got ${String(alt)}`);
  }
}
