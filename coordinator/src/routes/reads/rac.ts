/** Recent average credit halves every 7 days without new credit (DESIGN.md "credit"). */
export const RAC_HALF_LIFE_SECONDS = 7 * 86400;

/** A stored RAC, decayed from the time it was last updated to `now`. */
export function racNow(rac: number, racTime: Date | null, now = Date.now()): number {
  if (!racTime || rac === 0) return rac;
  const dt = Math.max(0, (now - racTime.getTime()) / 1000);
  return rac * Math.pow(0.5, dt / RAC_HALF_LIFE_SECONDS);
}
