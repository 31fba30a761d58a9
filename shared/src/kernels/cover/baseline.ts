import { normalCdf } from '../../math/normal';
import { clippedLogLoss, COVER_CLIP } from './metrics';
import type { SeasonPlays } from './plays';

/*
 * The analytic cover baseline. With share t of the game left, the favourite leads by L and gives
 * `line` points. Its margin over the rest of the game is R ~ Normal(line·t, σ²·t): the market's
 * full-game expectation spread evenly over time, with variance growing like a random walk's. It
 * covers when its final margin L + R exceeds the line:
 *
 *   P(cover) = P(R > line − L) = Φ((L + line·t − line) / (σ√t)) = Φ((L − line·(1 − t)) / (σ√t)).
 *
 * In the home team's terms (home lead H, home line h, negative when the home side is favoured):
 * with the home team favoured, line = −h and L = H, so P = Φ((H + h·(1 − t)) / (σ√t)); with the
 * away team favoured, line = h and L = −H, so P = Φ((−H − h·(1 − t)) / (σ√t)).
 * At t = 0 nothing is left to play: P is 1 when L > line, 0 when L < line, ½ when equal.
 * In overtime t is the overtime clock over 3600 (plays.ts of the data), so the model treats
 * the overtime as that much more time to play.
 *
 * σ is fitted by minimising the play-weighted log loss (clipped as in metrics.ts) of the
 * training plays, which is the Bernoulli maximum likelihood of their cover labels with plays
 * treated as independent. Plays at t = 0 do not depend on σ and are left out of the fit. The
 * minimiser is the root of the derivative in s = 1/σ (p = Φ(s·u), u = (L − line·(1 − t))/√t),
 * found by the Illinois variant of regula falsi on [1/SIGMA_MAX, 1/SIGMA_MIN].
 */

/**
 * σ of the fixed baseline: the fit on 2009–2018 (18.07, docs/cover-probability.md), rounded; the
 * leave-one-season-out fits span 17.6–18.1. The coordinator serves it when no model is registered
 * and judges a trained network's held-out season against it.
 */
export const BASELINE_SIGMA = 18;

export const SIGMA_MIN = 5;
export const SIGMA_MAX = 40;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function coverProbability(lead: number, line: number, t: number, sigma: number): number {
  if (t <= 0) return lead > line ? 1 : lead < line ? 0 : 0.5;
  return normalCdf((lead - line * (1 - t)) / (sigma * Math.sqrt(t)));
}

/** u = (L − line·(1 − t))/√t of the plays with t > 0, and their labels. */
export function fitInputs(parts: readonly SeasonPlays[]): { u: Float64Array; y: Uint8Array } {
  let n = 0;
  for (const p of parts) for (let i = 0; i < p.n; i++) if (p.t[i] > 0) n++;
  const u = new Float64Array(n), y = new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    for (let i = 0; i < p.n; i++) {
      const t = p.t[i];
      if (t <= 0) continue;
      u[k] = (p.lead[i] - p.line[i] * (1 - t)) / Math.sqrt(t);
      y[k++] = p.y[i];
    }
  }
  return { u, y };
}

/** Mean clipped log loss of Φ(u/σ). */
export function meanLogLoss(u: Float64Array, y: Uint8Array, sigma: number, clip = COVER_CLIP): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += clippedLogLoss(normalCdf(u[i] / sigma), y[i], clip);
  return s / u.length;
}

/** d/ds of the summed clipped log loss at s = 1/σ (clipped plays contribute 0). */
function slope(u: Float64Array, y: Uint8Array, s: number, clip: number): number {
  let g = 0;
  for (let i = 0; i < u.length; i++) {
    const x = s * u[i];
    const p = normalCdf(x);
    if (p < clip || p > 1 - clip) continue;
    const dp = INV_SQRT_2PI * Math.exp(-0.5 * x * x) * u[i];
    g += y[i] === 1 ? -dp / p : dp / (1 - p);
  }
  return g;
}

export interface SigmaFit {
  sigma: number;
  /** Mean clipped log loss of the fitting plays at sigma. */
  logLoss: number;
  /** Plays the fit used (t > 0). */
  n: number;
  iterations: number;
}

export function fitSigma(u: Float64Array, y: Uint8Array, clip = COVER_CLIP): SigmaFit {
  if (u.length === 0) throw new Error('fitSigma: no plays');
  let a = 1 / SIGMA_MAX, b = 1 / SIGMA_MIN;
  let fa = slope(u, y, a, clip), fb = slope(u, y, b, clip);
  let iterations = 0;
  if (fa >= 0 || fb <= 0) {
    // No interior minimum in range: take the better end.
    const la = meanLogLoss(u, y, 1 / a, clip), lb = meanLogLoss(u, y, 1 / b, clip);
    const sigma = la <= lb ? SIGMA_MAX : SIGMA_MIN;
    return { sigma, logLoss: Math.min(la, lb), n: u.length, iterations };
  }
  let side = 0;
  while (iterations < 200 && b - a > 1e-12 * b) {
    iterations++;
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = slope(u, y, c, clip);
    if (fc === 0) { a = b = c; break; }
    if (fc < 0) {
      a = c; fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c; fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  const sigma = 2 / (a + b);
  return { sigma, logLoss: meanLogLoss(u, y, sigma, clip), n: u.length, iterations };
}
