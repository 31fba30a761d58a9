import { isBetter, orientation } from './metric-specs';

/*
 * A model's running record, folded one result at a time in assimilation order: the first result
 * is the baseline, the latest the current, the best the best. A result's gain is how much it
 * raised the best (metric units, oriented so positive is better; 0 when it did not). So
 * improvement = best − baseline (oriented) = the sum of the gains, and
 * ROI = improvement / compute hours = the compute-weighted mean of the results' own gain per hour.
 */

export interface ModelRecord {
  results: number;
  computeHours: number;
  baseline: number | null;
  baselineWuId: number | null;
  current: number | null;
  currentWuId: number | null;
  best: number | null;
  bestWuId: number | null;
  bestParams: unknown;
  bestAt: Date | null;
  improvement: number;
  roi: number;
}

export interface RecordPoint {
  wuId: number;
  value: number;
  computeHours: number;
  params: unknown;
  at: Date;
}

export interface Applied {
  record: ModelRecord;
  /** Oriented amount this result raised the best (0 when not a new best, and for the first). */
  gain: number;
  first: boolean;
  newBest: boolean;
  previousBest: number | null;
}

/** ROI in metric units per compute hour (0 while no compute is recorded). */
const roiOf = (improvement: number, hours: number): number => (hours > 0 ? improvement / hours : 0);

export function applyPoint(r: ModelRecord, p: RecordPoint, lowerIsBetter: boolean): Applied {
  const first = r.results === 0 || r.best === null;
  const newBest = first || isBetter(p.value, r.best!, lowerIsBetter);
  const gain = first || !newBest ? 0 : orientation(lowerIsBetter) * (p.value - r.best!);
  const record: ModelRecord = {
    ...r,
    results: r.results + 1,
    computeHours: r.computeHours + p.computeHours,
    current: p.value,
    currentWuId: p.wuId,
    ...(first ? { baseline: p.value, baselineWuId: p.wuId } : {}),
    ...(newBest ? { best: p.value, bestWuId: p.wuId, bestParams: p.params, bestAt: p.at } : {}),
  };
  record.improvement = orientation(lowerIsBetter) * (record.best! - record.baseline!) || 0;
  record.roi = roiOf(record.improvement, record.computeHours);
  return { record, gain, first, newBest, previousBest: first ? null : r.best };
}
