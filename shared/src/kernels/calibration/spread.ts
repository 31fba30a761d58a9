import { normalCdf } from '../../math/normal';

/*
 * Win probability implied by a closing spread: the market's expected home margin is −homeLine,
 * and the margin is taken as Normal around it with sd σ, so P(home wins) = Φ(−homeLine / σ).
 * σ = 13.45 is the usual figure for the NFL (sd of margin about the closing line); fitSpreadSigma
 * fits it by maximum likelihood of the win/loss outcomes instead (ties count half).
 *
 * Lines are multiples of 0.5, so games are grouped by line and a σ costs one Φ per distinct line.
 */

export const DEFAULT_SPREAD_SIGMA = 13.45;

export const spreadProb = (homeLine: number, sigma: number): number => normalCdf(-homeLine / sigma);

export interface LineGroup {
  line: number;
  n: number;
  /** Σ y over the group's games (a tie adds 0.5). */
  sumY: number;
}

export function groupByLine(games: Iterable<{ homeLine: number | null; y: number }>): LineGroup[] {
  const m = new Map<number, LineGroup>();
  for (const g of games) {
    if (g.homeLine === null) continue;
    let e = m.get(g.homeLine);
    if (!e) m.set(g.homeLine, (e = { line: g.homeLine, n: 0, sumY: 0 }));
    e.n++;
    e.sumY += g.y;
  }
  return [...m.values()].sort((a, b) => a.line - b.line);
}

export function mergeLineGroups(parts: Iterable<LineGroup[]>): LineGroup[] {
  const m = new Map<number, LineGroup>();
  for (const part of parts) for (const g of part) {
    const e = m.get(g.line);
    if (e) { e.n += g.n; e.sumY += g.sumY; } else m.set(g.line, { ...g });
  }
  return [...m.values()].sort((a, b) => a.line - b.line);
}

/** Σ log loss over the groups' games at this σ. */
function spreadLogLossSum(groups: readonly LineGroup[], sigma: number): number {
  let s = 0;
  for (const g of groups) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, spreadProb(g.line, sigma)));
    s -= g.sumY * Math.log(p) + (g.n - g.sumY) * Math.log(1 - p);
  }
  return s;
}

/**
 * Golden-section search over [lo, hi] for the σ of least log loss (the probit log-likelihood is
 * concave in 1/σ, so it has one optimum); a fixed 80 iterations, so every host does the same work.
 */
export function goldenMin(f: (x: number) => number, lo: number, hi: number, iterations = 80): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo, b = hi;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  for (let i = 0; i < iterations; i++) {
    if (fc <= fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d); }
  }
  return (a + b) / 2;
}

export function fitSpreadSigma(groups: readonly LineGroup[], lo = 5, hi = 30): number {
  return goldenMin((s) => spreadLogLossSum(groups, s), lo, hi);
}
