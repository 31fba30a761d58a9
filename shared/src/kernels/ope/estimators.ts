/*
 * Off-policy estimators of the value V(π_e) = E[r] under an evaluation policy π_e from rows
 * logged by another policy π_b (Saito et al. 2020, Open Bandit Pipeline, for the definitions).
 * Per logged row i: the importance weight w_i = π_e(a_i | x_i) / π_b(a_i | x_i), the reward r_i,
 * the reward model at the logged action q_i = q̂(x_i, a_i), the direct-method term
 * d_i = Σ_a π_e(a | x_i) q̂(x_i, a), and the slot (position) of the row.
 *
 *   ips         Σ w r / n
 *   snips       Σ w r / Σ w                          (self-normalised IPS)
 *   wis_pos     Σ_k (n_k / n) · Σ_{pos=k} w r / Σ_{pos=k} w
 *               (weighted IS normalised within each slot: each slot's weights sum to its row count)
 *   dm          Σ d / n                              (direct method)
 *   dr          Σ [d + w (r − q)] / n                (doubly robust)
 *   sndr        Σ d / n + Σ w (r − q) / Σ w          (self-normalised DR)
 *   ips_clip@λ  Σ min(w, λ) r / n                    (clipped weights, λ = max weight)
 *   dr_clip@λ   Σ [d + min(w, λ)(r − q)] / n
 *   switch_dr@τ Σ [d + 1{w ≤ τ} w (r − q)] / n       (Wang et al. 2017 as in OBP; τ = ∞ gives dr)
 *   dr_os@λ     Σ [d + w̃ (r − q)] / n, w̃ = λ w / (w² + λ)   (optimistic shrinkage, Su et al. 2020)
 *
 * Every estimator takes optional multiplicities `count[i]` (a bootstrap resample draws row i
 * count[i] times), so a resample never copies the rows.
 */

export interface OpeRows {
  n: number;
  w: Float64Array;
  r: Float64Array;
  /** q̂ at the logged action. */
  q: Float64Array;
  /** Σ_a π_e(a) q̂(a). */
  d: Float64Array;
  /** Slot index 0..nSlots-1. */
  slot: Int32Array;
  nSlots: number;
}

export interface OpeGrids {
  clip: number[];
  switchTau: number[];
  shrink: number[];
}

/** Estimator names in output order for these grids. */
export function estimatorNames(g: OpeGrids): string[] {
  return [
    'ips', 'snips', 'wis_pos', 'dm', 'dr', 'sndr',
    ...g.clip.map((l) => `ips_clip@${l}`), ...g.clip.map((l) => `dr_clip@${l}`),
    ...g.switchTau.map((t) => `switch_dr@${t}`), ...g.shrink.map((l) => `dr_os@${l}`),
  ];
}

/**
 * Every estimator of estimatorNames(g), in that order, into `out` (length checked by the caller).
 * One pass over the rows; sums in row order, so the result is reproducible bit for bit.
 */
export function estimateAll(rows: OpeRows, g: OpeGrids, count?: Int32Array, out = new Float64Array(estimatorNames(g).length)): Float64Array {
  const { n, w, r, q, d, slot, nSlots } = rows;
  const nc = g.clip.length, ns = g.switchTau.length, nk = g.shrink.length;
  let sc = 0, sw = 0, swr = 0, sd = 0, sres = 0;
  const slotN = new Float64Array(nSlots), slotW = new Float64Array(nSlots), slotWr = new Float64Array(nSlots);
  const clipIps = new Float64Array(nc), clipDr = new Float64Array(nc), sw_ = new Float64Array(ns), os = new Float64Array(nk);
  for (let i = 0; i < n; i++) {
    const c = count ? count[i] : 1;
    if (c === 0) continue;
    const wi = w[i], ri = r[i], res = ri - q[i];
    sc += c;
    sw += c * wi;
    swr += c * wi * ri;
    sd += c * d[i];
    sres += c * wi * res;
    const k = slot[i];
    slotN[k] += c;
    slotW[k] += c * wi;
    slotWr[k] += c * wi * ri;
    for (let j = 0; j < nc; j++) {
      const wc = wi < g.clip[j] ? wi : g.clip[j];
      clipIps[j] += c * wc * ri;
      clipDr[j] += c * wc * res;
    }
    for (let j = 0; j < ns; j++) if (wi <= g.switchTau[j]) sw_[j] += c * wi * res;
    for (let j = 0; j < nk; j++) os[j] += c * ((g.shrink[j] * wi) / (wi * wi + g.shrink[j])) * res;
  }
  let wisPos = 0;
  for (let k = 0; k < nSlots; k++) if (slotW[k] > 0) wisPos += (slotN[k] / sc) * (slotWr[k] / slotW[k]);
  const dm = sd / sc;
  let o = 0;
  out[o++] = swr / sc;
  out[o++] = sw > 0 ? swr / sw : NaN;
  out[o++] = wisPos;
  out[o++] = dm;
  out[o++] = dm + sres / sc;
  out[o++] = sw > 0 ? dm + sres / sw : NaN;
  for (let j = 0; j < nc; j++) out[o++] = clipIps[j] / sc;
  for (let j = 0; j < nc; j++) out[o++] = dm + clipDr[j] / sc;
  for (let j = 0; j < ns; j++) out[o++] = dm + sw_[j] / sc;
  for (let j = 0; j < nk; j++) out[o++] = dm + os[j] / sc;
  return out;
}

/** Row counts of one bootstrap resample: n draws of a row index with replacement. */
export function resampleCounts(n: number, draw: (n: number) => number, out = new Int32Array(n)): Int32Array {
  out.fill(0);
  for (let i = 0; i < n; i++) out[draw(n)]++;
  return out;
}
