/*
 * Scores of a pre-game model's home-win probabilities p against outcomes y (1 home win, 0 away
 * win; an NFL tie, 0.5, counts as half a win in Brier and log loss and is left out of the
 * classification counts):
 *   accuracy, precision, recall, F1   the call "home wins" when p > 0.5 (p = 0.5 calls away)
 *   auc                               P(p of a home win > p of an away win), ties counting ½
 *                                     (the Mann–Whitney statistic over the decided games)
 *   brier                             mean (p − y)²
 *   logLoss                           mean −(y ln p + (1 − y) ln(1 − p)), p clipped to [1e−15, 1 − 1e−15]
 *   calibrationError                  Σ_bins (n_b / n) |mean p_b − mean y_b| over ten equal-width
 *                                     bins of p ([0, 0.1), …, [0.9, 1]); the expected calibration error
 * Undefined figures (no positive calls for precision, one class only for AUC) are null.
 */

export interface Scored {
  p: number;
  y: number;
}

export interface GameMetrics {
  n: number;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  auc: number | null;
  brier: number | null;
  logLoss: number | null;
  calibrationError: number | null;
}

const EPS = 1e-15;
const BINS = 10;

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/** Mann–Whitney AUC by ranks (average ranks for tied p). */
function auc(rows: readonly Scored[]): number | null {
  const decided = rows.filter((r) => r.y === 0 || r.y === 1).sort((a, b) => a.p - b.p);
  const pos = decided.filter((r) => r.y === 1).length, neg = decided.length - pos;
  if (!pos || !neg) return null;
  let rankSum = 0;
  for (let i = 0; i < decided.length;) {
    let j = i;
    while (j < decided.length && decided[j]!.p === decided[i]!.p) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (decided[k]!.y === 1) rankSum += avgRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function calibrationError(rows: readonly Scored[]): number | null {
  if (!rows.length) return null;
  const bins = Array.from({ length: BINS }, () => ({ n: 0, p: 0, y: 0 }));
  for (const r of rows) {
    const b = bins[Math.min(BINS - 1, Math.floor(r.p * BINS))]!;
    b.n++; b.p += r.p; b.y += r.y;
  }
  return bins.reduce((a, b) => a + (b.n ? Math.abs(b.p - b.y) / rows.length : 0), 0);
}

export function gameMetrics(rows: readonly Scored[]): GameMetrics {
  for (const r of rows) {
    if (!(r.p >= 0 && r.p <= 1)) throw new RangeError(`gameMetrics: p must be in [0, 1], got ${r.p}`);
    if (!(r.y === 0 || r.y === 0.5 || r.y === 1)) throw new RangeError(`gameMetrics: y must be 0, 0.5 or 1, got ${r.y}`);
  }
  const decided = rows.filter((r) => r.y !== 0.5);
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of decided) {
    const call = r.p > 0.5;
    if (call && r.y === 1) tp++; else if (call) fp++; else if (r.y === 1) fn++; else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : null, recall = tp + fn ? tp / (tp + fn) : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  const clip = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));
  return {
    n: rows.length,
    accuracy: decided.length ? (tp + tn) / decided.length : null,
    precision, recall, f1,
    auc: auc(rows),
    brier: mean(rows.map((r) => (r.p - r.y) ** 2)),
    logLoss: mean(rows.map((r) => -(r.y * Math.log(clip(r.p)) + (1 - r.y) * Math.log(1 - clip(r.p))))),
    calibrationError: calibrationError(rows),
  };
}
