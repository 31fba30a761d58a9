import { updateRac } from '../../credit/credit-math';

/** A stored recent average credit, decayed (no new credit) from when it was last updated to `now`. */
export function racNow(rac: number, racTime: Date | null, now = Date.now()): number {
  if (!racTime || rac === 0) return rac;
  return updateRac(rac, 0, Math.max(0, (now - racTime.getTime()) / 86_400_000));
}
