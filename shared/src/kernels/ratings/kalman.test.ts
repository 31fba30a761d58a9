import { describe, expect, it } from 'vitest';
import {
  cholesky, choleskySolve, cloneGaussian, gaussian, predictDiagonal, predictObservation, rtsStep, updateScalar, type Gaussian,
} from './kalman';

/* The scalar case written out: a readable reference the matrix pieces are checked against. */

interface Filter1dResult {
  /** Predicted (before observation t) and filtered (after) means and variances. */
  predMean: number[];
  predVar: number[];
  filtMean: number[];
  filtVar: number[];
  smoothMean: number[];
  smoothVar: number[];
}

/**
 * x_1 ~ N(m1, p1); x_{t+1} = a x_t + N(0, q); y_t = x_t + N(0, r). Filters and RTS-smooths ys;
 * a null y is a missing observation (prediction only).
 */
function kalman1d(ys: readonly (number | null)[], o: { a: number; q: number; r: number; m1: number; p1: number }): Filter1dResult {
  const T = ys.length;
  const out: Filter1dResult = { predMean: [], predVar: [], filtMean: [], filtVar: [], smoothMean: [], smoothVar: [] };
  let m = o.m1, p = o.p1;
  for (let t = 0; t < T; t++) {
    if (t > 0) { m = o.a * m; p = o.a * o.a * p + o.q; }
    out.predMean.push(m);
    out.predVar.push(p);
    const y = ys[t];
    if (y !== null) {
      const k = p / (p + o.r);
      m += k * (y - m);
      p *= 1 - k;
    }
    out.filtMean.push(m);
    out.filtVar.push(p);
  }
  out.smoothMean = new Array<number>(T);
  out.smoothVar = new Array<number>(T);
  out.smoothMean[T - 1] = out.filtMean[T - 1];
  out.smoothVar[T - 1] = out.filtVar[T - 1];
  for (let t = T - 2; t >= 0; t--) {
    const j = (out.filtVar[t] * o.a) / out.predVar[t + 1];
    out.smoothMean[t] = out.filtMean[t] + j * (out.smoothMean[t + 1] - out.predMean[t + 1]);
    out.smoothVar[t] = out.filtVar[t] + j * j * (out.smoothVar[t + 1] - out.predVar[t + 1]);
  }
  return out;
}

/*
 * Hand example: x₁ ~ N(0, 1), random walk with q = 1, y = x + N(0, 1), ys = 1, 2, 0.
 *   t=1  K = 1/2        m = 1/2    P = 1/2
 *   t=2  pred 1/2, 3/2; K = 3/5; m = 1/2 + 3/5·3/2 = 7/5, P = 3/5
 *   t=3  pred 7/5, 8/5; K = 8/13; m = 7/5·5/13 = 7/13, P = 8/13
 * RTS back: J₂ = (3/5)/(8/5) = 3/8: m = 7/5 + 3/8(7/13 − 7/5) = 14/13, P = 3/5 + 9/64(8/13 − 8/5) = 6/13
 *           J₁ = (1/2)/(3/2) = 1/3: m = 1/2 + 1/3(14/13 − 1/2) = 9/13, P = 1/2 + 1/9(6/13 − 3/2) = 5/13
 * (m_s = m_f + J (m_s' − m_p'), with m_p' the prediction of the next step: 7/5 at t=3, 1/2 at t=2)
 */
const HAND = { filtMean: [1 / 2, 7 / 5, 7 / 13], filtVar: [1 / 2, 3 / 5, 8 / 13], smoothMean: [9 / 13, 14 / 13, 7 / 13], smoothVar: [5 / 13, 6 / 13, 8 / 13] };
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

describe('kalman1d', () => {
  it('filters and smooths the 3-step hand example', () => {
    const r = kalman1d([1, 2, 0], { a: 1, q: 1, r: 1, m1: 0, p1: 1 });
    close(r.filtMean, HAND.filtMean);
    close(r.filtVar, HAND.filtVar);
    close(r.smoothMean, HAND.smoothMean);
    close(r.smoothVar, HAND.smoothVar);
    close(r.predVar, [1, 3 / 2, 8 / 5]);
  });

  it('treats a missing observation as a prediction step', () => {
    const r = kalman1d([1, null, 0], { a: 0.5, q: 1, r: 1, m1: 0, p1: 1 });
    expect(r.filtMean[1]).toBe(r.predMean[1]);
    expect(r.filtVar[1]).toBe(r.predVar[1]);
    expect(r.predVar[1]).toBeCloseTo(0.25 * 0.5 + 1, 14);
  });
});

describe('matrix Kalman pieces', () => {
  it('reduce to the hand example with one state', () => {
    const g = gaussian([0], [1]);
    const filtered: Gaussian[] = [], preds: number[] = [];
    [1, 2, 0].forEach((y, t) => {
      if (t > 0) predictDiagonal(g, [1], [1]);
      preds.push(predictObservation(g, [0], [1], 0, 1).variance);
      const pred = updateScalar(g, [0], [1], 0, 1, y);
      expect(pred.variance).toBeCloseTo(preds[t], 14);
      filtered.push(cloneGaussian(g));
    });
    close(filtered.map((x) => x.mean[0]), HAND.filtMean);
    close(filtered.map((x) => x.cov[0]), HAND.filtVar);
    close(preds, [2, 2.5, 2.6]); // predictive variance = predicted P + r
    let next = filtered[2];
    const sm = [next];
    for (let t = 1; t >= 0; t--) {
      const p = cloneGaussian(filtered[t]);
      predictDiagonal(p, [1], [1]);
      next = rtsStep(filtered[t], p, next, [1]);
      sm.unshift(next);
    }
    close(sm.map((x) => x.mean[0]), HAND.smoothMean);
    close(sm.map((x) => x.cov[0]), HAND.smoothVar);
  });

  it('sequential scalar updates equal the joint update of two observations', () => {
    // state (a, b, h); observations y1 = a − b + h + e1, y2 = b + e2 (R = diag(4, 9))
    const P = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1];
    const m = [1, -1, 2];
    const H = [[1, -1, 1], [0, 1, 0]], R = [4, 9], y = [5, -3];
    const g = gaussian(m, P);
    updateScalar(g, [0, 1, 2], [1, -1, 1], 0, R[0], y[0]);
    updateScalar(g, [1], [1], 0, R[1], y[1]);
    // joint: S = H P Hᵀ + R, K = P Hᵀ S⁻¹, m' = m + K (y − H m), P' = P − K S Kᵀ
    const PHt = [0, 1, 2].map((i) => H.map((h) => h.reduce((a, hj, j) => a + P[i * 3 + j] * hj, 0)));
    const S = H.map((hi, a) => H.map((_, b) => hi.reduce((s, v, j) => s + v * PHt[j][b], 0) + (a === b ? R[a] : 0)));
    const det = S[0][0] * S[1][1] - S[0][1] * S[1][0];
    const Si = [[S[1][1] / det, -S[0][1] / det], [-S[1][0] / det, S[0][0] / det]];
    const K = PHt.map((row) => [0, 1].map((b) => row[0] * Si[0][b] + row[1] * Si[1][b]));
    const innov = H.map((h, a) => y[a] - h.reduce((s, v, j) => s + v * m[j], 0));
    const m2 = m.map((v, i) => v + K[i][0] * innov[0] + K[i][1] * innov[1]);
    const P2 = P.map((v, ij) => {
      const i = Math.floor(ij / 3), j = ij % 3;
      return v - (K[i][0] * PHt[j][0] + K[i][1] * PHt[j][1]);
    });
    close(g.mean, m2, 1e-12);
    close(g.cov, P2, 1e-12);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(g.cov[i * 3 + j]).toBe(g.cov[j * 3 + i]);
  });

  it('cholesky solves a symmetric positive definite system', () => {
    const A = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const x = [1, -2, 0.5];
    const b = Float64Array.from([0, 1, 2].map((i) => x.reduce((s, v, j) => s + A[i * 3 + j] * v, 0)));
    choleskySolve(cholesky(A, 3), 3, b, 1);
    close(b, x, 1e-13);
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });

  it('RTS with a diagonal F matches the scalar smoother per independent state', () => {
    const ys = [[1, 3], [2, null], [0, 1]] as const;
    const o = { a: 0.9, q: 0.5, r: 2, m1: 0, p1: 4 };
    const g = gaussian([0, 0], [4, 0, 0, 4]);
    const filt: Gaussian[] = [];
    ys.forEach((pair, t) => {
      if (t > 0) predictDiagonal(g, [0.9, 0.9], [0.5, 0.5]);
      pair.forEach((y, i) => { if (y !== null) updateScalar(g, [i], [1], 0, 2, y); });
      filt.push(cloneGaussian(g));
    });
    let next = filt[2];
    const sm = [next];
    for (let t = 1; t >= 0; t--) {
      const p = cloneGaussian(filt[t]);
      predictDiagonal(p, [0.9, 0.9], [0.5, 0.5]);
      next = rtsStep(filt[t], p, next, [0.9, 0.9]);
      sm.unshift(next);
    }
    for (const i of [0, 1]) {
      const r = kalman1d(ys.map((p) => p[i]), o);
      close(sm.map((x) => x.mean[i]), r.smoothMean);
      close(sm.map((x) => x.cov[i * 2 + i]), r.smoothVar);
    }
  });
});
