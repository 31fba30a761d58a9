/*
 * Point-differential team ratings with home-field advantage, by (ridge) least squares:
 *
 *   margin_g = r[home_g] - r[away_g] + h·[not neutral_g] + error
 *   minimise Σ_g (margin_g - prediction_g)² + λ Σ_t r_t² + (Σ_t r_t)²
 *
 * The squared error is unchanged by adding a constant to every rating, and the ridge term is
 * smallest when the ratings average zero, so the last term never moves the ridge optimum; with
 * λ = 0 it picks the zero-mean solution out of the line of equal fits. The system is at most
 * 33×33 (32 teams + h), solved by Gaussian elimination with partial pivoting.
 */

export interface MarginGame {
  home: number;
  away: number;
  /** home score − away score */
  margin: number;
  neutral: boolean;
}

export interface RatingFit {
  ratings: number[];
  /** Home-field advantage in points: fitted, or the fixed value passed in. */
  hfa: number;
}

export class SingularSystemError extends Error {
  readonly code = 'singular_system';
  constructor() {
    super('rating system is singular (teams not connected by games and no ridge)');
    this.name = 'SingularSystemError';
  }
}

/** Solves A x = b for a small dense system; A and b are copied, not modified. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  const scale = Math.max(1, ...m.map((row) => Math.max(...row.slice(0, n).map(Math.abs))));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    if (Math.abs(m[piv][col]) < 1e-12 * scale) throw new SingularSystemError();
    [m[col], m[piv]] = [m[piv], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * Fits ratings for teams 0..nTeams-1. With `hfa` given it is held fixed; otherwise it is fitted
 * when there is at least one non-neutral game (and is 0 when every game is neutral). Teams
 * without games get rating 0 and are left out of the system.
 */
export function fitRatings(nTeams: number, games: MarginGame[], opts: { ridge: number; hfa?: number }): RatingFit {
  const played = new Array<boolean>(nTeams).fill(false);
  for (const g of games) played[g.home] = played[g.away] = true;
  const idx = new Array<number>(nTeams).fill(-1);
  let k = 0;
  for (let t = 0; t < nTeams; t++) if (played[t]) idx[t] = k++;
  const fitH = opts.hfa === undefined && games.some((g) => !g.neutral);
  const n = k + (fitH ? 1 : 0);
  const out: RatingFit = { ratings: new Array<number>(nTeams).fill(0), hfa: opts.hfa ?? 0 };
  if (k === 0) return out;

  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  const row: Array<[number, number]> = [];
  for (const g of games) {
    // one design row: +1 home, -1 away, +1 h (if fitted and not neutral)
    row.length = 0;
    row.push([idx[g.home], 1], [idx[g.away], -1]);
    let y = g.margin;
    if (!g.neutral) {
      if (fitH) row.push([k, 1]);
      else y -= out.hfa;
    }
    for (const [i, vi] of row) {
      b[i] += vi * y;
      for (const [j, vj] of row) A[i][j] += vi * vj;
    }
  }
  for (let i = 0; i < k; i++) {
    A[i][i] += opts.ridge;
    for (let j = 0; j < k; j++) A[i][j] += 1; // (Σ r)²
  }
  const x = solveLinear(A, b);
  for (let t = 0; t < nTeams; t++) if (idx[t] >= 0) out.ratings[t] = x[idx[t]];
  if (fitH) out.hfa = x[k];
  return out;
}
