/*
 * Risk and return of an equity curve E_0 (the start), E_1, …, E_N (bankroll after each period):
 *   r_t        = E_t / E_{t−1} − 1
 *   sharpe     = mean(r) / sd(r)                 (sample sd, N − 1; no risk-free rate)
 *   sortino    = mean(r) / √(Σ min(r_t, 0)² / N) (downside deviation below 0)
 *   maxDrawdown= max_t (peak_t − E_t) / peak_t
 *   cagr       = (E_N / E_0)^(periodsPerYear / N) − 1
 *   calmar     = cagr / maxDrawdown
 * Sharpe and Sortino are per period, and annualised by √periodsPerYear. Undefined values
 * (no periods, zero deviation, no drawdown) are null.
 */

export interface RiskMetrics {
  periods: number;
  meanReturn: number | null;
  sdReturn: number | null;
  sharpe: number | null;
  sortino: number | null;
  sharpeAnnual: number | null;
  sortinoAnnual: number | null;
  maxDrawdown: number;
  cagr: number | null;
  calmar: number | null;
}

export function riskMetrics(equity: readonly number[], periodsPerYear: number): RiskMetrics {
  const n = equity.length - 1;
  const r: number[] = [];
  for (let t = 1; t <= n; t++) r.push(equity[t - 1] > 0 ? equity[t] / equity[t - 1] - 1 : 0);
  let peak = equity[0] ?? 0, dd = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    else if (peak > 0) dd = Math.max(dd, (peak - e) / peak);
  }
  if (n < 1) {
    return { periods: 0, meanReturn: null, sdReturn: null, sharpe: null, sortino: null, sharpeAnnual: null, sortinoAnnual: null, maxDrawdown: dd, cagr: null, calmar: null };
  }
  const mean = r.reduce((a, x) => a + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null;
  const down = Math.sqrt(r.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / n);
  const sharpe = sd ? mean / sd : null;
  const sortino = down > 0 ? mean / down : null;
  const ann = Math.sqrt(periodsPerYear);
  const cagr = equity[0] > 0 && periodsPerYear > 0 ? (Math.max(equity[n], 0) / equity[0]) ** (periodsPerYear / n) - 1 : null;
  return {
    periods: n, meanReturn: mean, sdReturn: sd, sharpe, sortino,
    sharpeAnnual: sharpe === null ? null : sharpe * ann, sortinoAnnual: sortino === null ? null : sortino * ann,
    maxDrawdown: dd, cagr, calmar: cagr !== null && dd > 0 ? cagr / dd : null,
  };
}

/** At most `maxPoints` indices of 0..n−1, evenly spread, always with the first and the last. */
export function downsampleIndices(n: number, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < maxPoints; k++) {
    const i = Math.round((k * (n - 1)) / (maxPoints - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}
