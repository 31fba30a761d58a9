import { normalQuantile } from '../../math/normal';
import { studentQuantile } from './student-t';

/*
 * Normal and t scores of pseudo-observations, Φ⁻¹(u) and t_ν⁻¹(u). Without ties the
 * pseudo-observations of n points are exactly the grid k/(n+1), k = 1..n (every bootstrap sample,
 * and real data after jittering), so the quantiles of that grid are computed once per (ν, n) and
 * looked up; other values are computed directly. The table is a pure function of (ν, n), so the
 * cache changes speed only, never results.
 */

const MAX_TABLES = 48;
const tables = new Map<string, Float64Array>();

function table(nu: number, n: number): Float64Array {
  const key = `${nu}:${n}`;
  let t = tables.get(key);
  if (!t) {
    t = new Float64Array(n + 1);
    for (let k = 1; k <= n; k++) t[k] = nu === 0 ? normalQuantile(k / (n + 1)) : studentQuantile(nu, k / (n + 1));
    if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!);
    tables.set(key, t);
  }
  return t;
}

/** Scores of u under ν degrees of freedom; ν = 0 means the normal. Writes into `out` if given. */
export function scores(nu: number, u: Float64Array, out = new Float64Array(u.length)): Float64Array {
  const n = u.length;
  const t = table(nu, n);
  for (let i = 0; i < n; i++) {
    const k = Math.round(u[i] * (n + 1));
    out[i] = k >= 1 && k <= n && k / (n + 1) === u[i] ? t[k] : nu === 0 ? normalQuantile(u[i]) : studentQuantile(nu, u[i]);
  }
  return out;
}
