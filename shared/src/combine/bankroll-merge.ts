import type { McBankrollOutput, McBankrollScenarios } from '../kernels/mc/bankroll';
import { float64, int32 } from './typed';

/*
 * mc.bankroll@1 across work units: the WUs' scenarios pooled into one sample, and every figure
 * recomputed on it with the kernel's own definitions (quantiles by rank ceil(p·n), VaR and CVaR of
 * the P&L over the ceil(n/20) worst scenarios, per-bet Sharpe over every bet of every scenario).
 * The figures of the sample and of its bootstrap resamples are computed in bankroll-bootstrap.ts
 * and laid out in bankroll-figures.ts.
 */

/** The values of a scenario and where each sits in its row of PooledBankroll.values. */
export const COL = { final: 0, maxDrawdown: 1, bets: 2, sumR: 3, sumR2: 4, ruined: 5 } as const;
const KEYS = Object.keys(COL) as (keyof typeof COL & keyof McBankrollScenarios)[];
export const COLUMNS = KEYS.length;

/**
 * Pooled scenarios in ascending order of final bankroll (ties by the other values), row by row
 * in one array: a pass over the scenarios reads one stream, which V8 handles faster than six.
 */
export interface PooledBankroll {
  n: number;
  startBankroll: number;
  /** values[COLUMNS·i + COL.x]: value x of scenario i. */
  values: Float64Array;
  /** Positions by max drawdown, largest first. */
  byDrawdown: Int32Array;
  /** First position whose final bankroll is above the start (n when none is). */
  profitFrom: number;
}

/** Why this output cannot be pooled, or null. */
export function checkBankrollOutput(o: unknown): string | null {
  const out = o as Partial<McBankrollOutput> | null;
  if (!out || typeof out !== 'object' || typeof out.startBankroll !== 'number') return 'not an mc.bankroll output';
  const sc = out.scenarios;
  if (!sc) return 'no per-scenario values (run with keepScenarios: true to merge)';
  const n = sc.final?.length;
  if (!n || n !== out.nScenarios) return 'per-scenario values do not match nScenarios';
  for (const k of KEYS) {
    const a = sc[k];
    if (!Array.isArray(a) || a.length !== n || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) return `scenarios.${k} is not ${n} finite numbers`;
  }
  if (!sc.ruined.every((x) => x === 0 || x === 1)) return 'scenarios.ruined holds values other than 0 and 1';
  if (!sc.bets.every((x) => Number.isInteger(x) && x >= 0)) return 'scenarios.bets holds values other than whole numbers';
  return null;
}

/** Pools checked outputs (checkBankrollOutput) into one sorted sample; `shared` puts it in shared memory. */
export function poolBankroll(outputs: readonly McBankrollOutput[], shared = false): PooledBankroll {
  const n = outputs.reduce((a, o) => a + o.scenarios!.final.length, 0);
  const raw = new Float64Array(COLUMNS * n);
  let at = 0;
  for (const o of outputs) {
    const sc = o.scenarios!;
    for (let i = 0; i < sc.final.length; i++, at++) KEYS.forEach((k, c) => { raw[COLUMNS * at + c] = sc[k][i]!; });
  }
  // A total order on the whole row, so the pool does not depend on the order of the WUs.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    for (let c = 0; c < COLUMNS; c++) {
      const d = raw[COLUMNS * a + c]! - raw[COLUMNS * b + c]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  const values = float64(COLUMNS * n, shared);
  for (let i = 0; i < n; i++) values.set(raw.subarray(COLUMNS * order[i]!, COLUMNS * order[i]! + COLUMNS), COLUMNS * i);
  const dd = (i: number) => values[COLUMNS * i + COL.maxDrawdown]!;
  const byDrawdown = int32(n, shared);
  for (let i = 0; i < n; i++) byDrawdown[i] = i;
  byDrawdown.sort((a, b) => dd(b) - dd(a) || a - b);
  const startBankroll = outputs[0]!.startBankroll;
  let profitFrom = 0;
  while (profitFrom < n && values[COLUMNS * profitFrom]! <= startBankroll) profitFrom++;
  return { n, startBankroll, values, byDrawdown, profitFrom };
}
