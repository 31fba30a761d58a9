/*
 * Odds ratio of a 2 × 2 table [[a, b], [c, d]] (rows: exposed / unexposed; columns: event / no
 * event): OR = ad / (bc), with the Woolf (1955) logit interval
 *
 *   ln OR ± z_{1−α/2} · √(1/a + 1/b + 1/c + 1/d).
 *
 * A zero cell makes OR 0 or ∞ and the standard error infinite; the Haldane (1956) – Anscombe
 * correction adds ½ to every cell. correction 'auto' (default) applies it only when some cell is
 * 0, 'always' always, 'never' never (then a zero cell gives OR 0 or ∞ and the interval [0, ∞]).
 */
import { StatsError } from '../math/errors';
import { normalQuantile } from '../math/normal';
import { requireOpenUnit, requireSample } from '../math/validate';

export interface OddsRatioOptions {
  level?: number;
  correction?: 'auto' | 'always' | 'never';
}

export interface OddsRatioResult {
  oddsRatio: number;
  logOddsRatio: number;
  /** Standard error of ln OR (Woolf). */
  standardError: number;
  level: number;
  lower: number;
  upper: number;
  /** Whether ½ was added to every cell. */
  corrected: boolean;
}

export function oddsRatio(table: readonly (readonly number[])[], opts: OddsRatioOptions = {}): OddsRatioResult {
  if (!Array.isArray(table as unknown) || table.length !== 2 || table.some((r) => !Array.isArray(r as unknown) || r.length !== 2)) {
    throw new StatsError('bad_table', 'odds ratio needs a 2×2 table [[a, b], [c, d]]');
  }
  requireSample('table[0]', table[0]);
  requireSample('table[1]', table[1]);
  const cells = [table[0][0], table[0][1], table[1][0], table[1][1]];
  if (cells.some((v) => v < 0)) throw new StatsError('bad_table', 'cell counts must be ≥ 0');
  const level = opts.level ?? 0.95;
  requireOpenUnit('level', level);
  const mode = opts.correction ?? 'auto';
  if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new StatsError('bad_argument', `unknown correction ${String(mode)}`);
  const corrected = mode === 'always' || (mode === 'auto' && cells.some((v) => v === 0));
  const [a, b, c, d] = corrected ? cells.map((v) => v + 0.5) : cells;
  if ((a === 0 || d === 0) && (b === 0 || c === 0)) throw new StatsError('bad_table', 'odds ratio is 0/0: a zero in both diagonals');
  const logOddsRatio = Math.log(a) + Math.log(d) - Math.log(b) - Math.log(c);
  const standardError = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  const z = normalQuantile(1 - (1 - level) / 2);
  if (!Number.isFinite(standardError)) {
    return { oddsRatio: Math.exp(logOddsRatio), logOddsRatio, standardError, level, lower: 0, upper: Infinity, corrected };
  }
  return {
    oddsRatio: Math.exp(logOddsRatio), logOddsRatio, standardError, level,
    lower: Math.exp(logOddsRatio - z * standardError), upper: Math.exp(logOddsRatio + z * standardError), corrected,
  };
}
