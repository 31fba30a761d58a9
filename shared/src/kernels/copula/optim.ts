/*
 * Deterministic 1-D maximisation for the copula fits: a coarse grid scan brackets the best
 * point, then Brent's method (golden section with parabolic steps; Brent 1973, "localmin")
 * polishes it. The same sequence of evaluations on every host, so fits agree bit for bit.
 */

const CGOLD = 0.381966011250105;
const ZEPS = 1e-12;

/** Minimises f on [a, b] starting at x (a < x < b); returns the minimiser and its value. */
function brentMinimise(f: (x: number) => number, a: number, b: number, x: number, tol = 1e-9, maxIter = 200): { x: number; fx: number } {
  let w = x, v = x;
  let fx = f(x), fw = fx, fv = fx;
  let d = 0, e = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    const xm = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + ZEPS, tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let golden = true;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const etemp = e;
      e = d;
      if (!(Math.abs(p) >= Math.abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm >= x ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = x >= xm ? a - x : b - x;
      d = CGOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x; else b = x;
      v = w; w = x; x = u;
      fv = fw; fw = fx; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w === x) { v = w; w = u; fv = fw; fw = fu; } else if (fu <= fv || v === x || v === w) { v = u; fv = fu; }
    }
  }
  return { x, fx };
}

export interface Maximum {
  x: number;
  value: number;
  /** The maximiser lies at an end of [lo, hi] (within the bracket of the grid scan). */
  atBoundary: boolean;
}

/** Maximises f on [lo, hi]: `grid` equally spaced evaluations, then Brent within the best bracket. */
export function maximise1d(f: (x: number) => number, lo: number, hi: number, grid = 16, tol = 1e-9): Maximum {
  const xs: number[] = [], fs: number[] = [];
  let best = 0;
  for (let i = 0; i <= grid; i++) {
    const x = lo + ((hi - lo) * i) / grid;
    const fx = f(x);
    xs.push(x);
    fs.push(Number.isNaN(fx) ? -Infinity : fx);
    if (fs[i] > fs[best]) best = i;
  }
  const a = xs[Math.max(0, best - 1)], b = xs[Math.min(grid, best + 1)];
  const start = best === 0 ? a + (b - a) * 1e-3 : best === grid ? b - (b - a) * 1e-3 : xs[best];
  const r = brentMinimise((x) => { const y = f(x); return Number.isNaN(y) ? Infinity : -y; }, a, b, start, tol);
  let x = r.x, value = -r.fx;
  if (fs[best] > value) { x = xs[best]; value = fs[best]; }
  const edge = (hi - lo) / grid * 1e-3;
  return { x, value, atBoundary: x - lo < edge || hi - x < edge };
}
