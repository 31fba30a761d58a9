/*
 * Per-column centring and scaling fitted on training rows only, stored in the artifact. A missing
 * value (NaN: a column the data does not cover for that game) becomes the training mean, i.e. 0
 * after scaling, so the column simply says nothing for that row.
 */

export interface Scaler {
  mean: number[];
  sd: number[];
}

export function fitScaler(rows: readonly (readonly number[])[], width: number): Scaler {
  const mean = new Array<number>(width).fill(0), sd = new Array<number>(width).fill(0), n = new Array<number>(width).fill(0);
  for (const r of rows) for (let j = 0; j < width; j++) if (Number.isFinite(r[j])) { mean[j] += r[j]; n[j]++; }
  for (let j = 0; j < width; j++) mean[j] = n[j] ? mean[j] / n[j] : 0;
  for (const r of rows) for (let j = 0; j < width; j++) if (Number.isFinite(r[j])) sd[j] += (r[j] - mean[j]) ** 2;
  for (let j = 0; j < width; j++) sd[j] = n[j] > 1 && sd[j] > 0 ? Math.sqrt(sd[j] / (n[j] - 1)) : 1;
  return { mean, sd };
}

export function scale(s: Scaler, r: readonly number[]): number[] {
  return s.mean.map((m, j) => (Number.isFinite(r[j]) ? (r[j] - m) / s.sd[j] : 0));
}
