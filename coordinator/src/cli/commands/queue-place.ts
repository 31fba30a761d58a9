import type { QueuePlace } from '@nfl-grid/shared/api/console-types';
import { etaText } from '@nfl-grid/shared/api/eta-text';

/* A batch's queue place in words and in a table cell. */

/** "3/7", or "-" when nothing is left to hand out. */
export const queueCell = (q: QueuePlace | null): string => (q ? `${q.position}/${q.of}` : '-');
export const etaCell = (q: QueuePlace | null): string => (q ? (q.etaSeconds === null ? '?' : etaText(q.etaSeconds)) : '-');

/** The line `nfl-grid batch ID` prints, or null when the batch is not queued. */
export function queueLine(q: QueuePlace | null): string | null {
  if (!q) return null;
  const eta = q.etaSeconds === null ? 'unknown (no work reported in the last hour)' : etaText(q.etaSeconds);
  return `Queue: position ${q.position} of ${q.of} open batches with work left (fair share between researchers); ETA ${eta}`;
}
