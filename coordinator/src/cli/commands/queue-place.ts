import type { QueuePlace } from '@nfl-grid/shared/api/console-types';

/* A batch's queue place in words and in a table cell. */

/** "2h 5m", "40s": an ETA in seconds, short. */
export function etaText(seconds: number | null): string {
  if (seconds === null) return 'unknown (no work reported in the last hour)';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** "3/7", or "-" when nothing is left to hand out. */
export const queueCell = (q: QueuePlace | null): string => (q ? `${q.position}/${q.of}` : '-');
export const etaCell = (q: QueuePlace | null): string => (q ? (q.etaSeconds === null ? '?' : etaText(q.etaSeconds)) : '-');

/** The line `nfl-grid batch ID` prints, or null when the batch is not queued. */
export function queueLine(q: QueuePlace | null): string | null {
  if (!q) return null;
  return `Queue: position ${q.position} of ${q.of} open batches with work left (fair share between researchers); ETA ${etaText(q.etaSeconds)}`;
}
