/*
 * Kalman filter pieces for linear-Gaussian state-space models whose transition is diagonal
 * (x' = F x + w, F = diag(f), w ~ N(0, diag(q))) and whose observations are scalar with a sparse
 * design row (y = Σ_i h_i x[idx_i] + offset + v, v ~ N(0, r)). That is the shape of the team
 * strength model (state-space-model.ts): every team follows its own AR(1), a game sees the home
 * team minus the away team plus home-field advantage.
 *
 * The covariance is a dense row-major n×n Float64Array. A scalar update subtracts k·kᵀ/S with
 * k = P hᵀ, computed as (k[i]·k[j])/S for both (i, j) and (j, i), so P stays exactly symmetric.
 * Several observations at one time with independent noise can be applied one after the other:
 * that is algebraically the joint update (tested in kalman.test.ts).
 *
 * The RTS smoother step for a diagonal F: J = P_f F P_p⁻¹ (P_p = F P_f F + Q), solved by Cholesky,
 * m_s = m_f + J (m_s' − m_p'), P_s = P_f + J (P_s' − P_p') Jᵀ.
 */

export interface Gaussian {
  mean: Float64Array;
  /** Row-major n×n covariance. */
  cov: Float64Array;
}

export function gaussian(mean: ArrayLike<number>, cov: ArrayLike<number>): Gaussian {
  const n = mean.length;
  if (cov.length !== n * n) throw new Error(`kalman: covariance of ${cov.length} entries for ${n} states`);
  return { mean: Float64Array.from(mean), cov: Float64Array.from(cov) };
}

export function cloneGaussian(g: Gaussian): Gaussian {
  return { mean: g.mean.slice(), cov: g.cov.slice() };
}

/** In place: x ← f∘x, P ← diag(f) P diag(f) + diag(q). */
export function predictDiagonal(g: Gaussian, f: ArrayLike<number>, q: ArrayLike<number>): void {
  const n = g.mean.length;
  for (let i = 0; i < n; i++) {
    g.mean[i] *= f[i];
    const row = i * n;
    for (let j = 0; j < n; j++) g.cov[row + j] *= f[i] * f[j];
    g.cov[row + i] += q[i];
  }
}

export interface Prediction {
  /** Predictive mean and variance of the observation (before it is seen). */
  mean: number;
  variance: number;
}

/** Predictive distribution of y = Σ coef[k]·x[idx[k]] + offset + N(0, r). */
export function predictObservation(g: Gaussian, idx: readonly number[], coef: readonly number[], offset: number, r: number): Prediction {
  const n = g.mean.length;
  let mean = offset, variance = r;
  for (let a = 0; a < idx.length; a++) {
    mean += coef[a] * g.mean[idx[a]];
    for (let b = 0; b < idx.length; b++) variance += coef[a] * coef[b] * g.cov[idx[a] * n + idx[b]];
  }
  return { mean, variance };
}

/**
 * In place: conditions the state on one scalar observation y. Returns the predictive
 * distribution the observation had (for scoring), computed before the update.
 */
export function updateScalar(
  g: Gaussian, idx: readonly number[], coef: readonly number[], offset: number, r: number, y: number, work?: Float64Array,
): Prediction {
  const n = g.mean.length;
  const k = work && work.length >= n ? work : new Float64Array(n); // k = P hᵀ
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < idx.length; a++) s += g.cov[i * n + idx[a]] * coef[a];
    k[i] = s;
  }
  let mean = offset, variance = r;
  for (let a = 0; a < idx.length; a++) {
    mean += coef[a] * g.mean[idx[a]];
    variance += coef[a] * k[idx[a]];
  }
  const innov = (y - mean) / variance;
  for (let i = 0; i < n; i++) {
    g.mean[i] += k[i] * innov;
    const ki = k[i], row = i * n;
    // (k[i]·k[j])/S rounds the same for (i, j) and (j, i): P stays exactly symmetric
    for (let j = 0; j < n; j++) g.cov[row + j] -= (ki * k[j]) / variance;
  }
  return { mean, variance };
}

/** Lower Cholesky factor of a symmetric positive definite matrix (row-major), or an error. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`kalman: matrix is not positive definite (pivot ${i}: ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Solves (L Lᵀ) X = B for the m columns of B (row-major n×m), in place in B. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * m + c];
      b[i * m + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * m + c];
      b[i * m + c] = s / l[i * n + i];
    }
  }
}

/**
 * One backward RTS step. `filtered` is the state at time t given data to t, `predicted` the
 * state at t+1 given data to t (= F filtered + noise), `smoothedNext` the state at t+1 given all
 * data. Returns the state at t given all data.
 */
export function rtsStep(filtered: Gaussian, predicted: Gaussian, smoothedNext: Gaussian, f: ArrayLike<number>): Gaussian {
  const n = filtered.mean.length;
  // Jᵀ = P_p⁻¹ F P_f  (P_p, P_f symmetric, F diagonal)
  const jt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) jt[i * n + j] = f[i] * filtered.cov[i * n + j];
  choleskySolve(cholesky(predicted.cov, n), n, jt, n);
  const dm = new Float64Array(n);
  for (let i = 0; i < n; i++) dm[i] = smoothedNext.mean[i] - predicted.mean[i];
  const mean = filtered.mean.slice();
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += jt[k * n + i] * dm[k];
    mean[i] += s;
  }
  // D = P_s' − P_p';  P_s = P_f + J D Jᵀ, with (J D)[i][k] = Σ_a Jᵀ[a][i] D[a][k]
  const d = new Float64Array(n * n);
  for (let a = 0; a < n * n; a++) d[a] = smoothedNext.cov[a] - predicted.cov[a];
  const jd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    let s = 0;
    for (let a = 0; a < n; a++) s += jt[a * n + i] * d[a * n + k];
    jd[i * n + k] = s;
  }
  const cov = filtered.cov.slice();
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += jd[i * n + k] * jt[k * n + j];
    cov[i * n + j] += s;
    if (j !== i) cov[j * n + i] = cov[i * n + j];
  }
  return { mean, cov };
}
