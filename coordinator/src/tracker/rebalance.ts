import { sql } from 'drizzle-orm';
import { priorityFromEv } from '@nfl-grid/shared/performance/ev';
import { MIN_HOURS } from '@nfl-grid/shared/performance/reward';
import type { PriorityChange } from '@nfl-grid/shared/api/console-types';
import { EVERYTHING } from '../auth/access';
import type { Grid } from '../grid';
import { reprioritiseBatches } from '../queue/reprioritise';
import { pendingMatrix } from './matrix';

/*
 * Re-prioritises open batches by the EV of their pending work: a batch's EV pools its cells
 * (Σ expected improvement in units × importance / Σ estimated hours of its tracked cells); the
 * best batch gets priority 1000 and the others priority in proportion; batches with no tracked
 * work keep theirs. Unfinished WUs take their batch's new priority (the claim order), locked in id
 * order before their batches, as every transaction here locks.
 */

export type { PriorityChange };

async function batchEvs(grid: Grid): Promise<{ batchId: string; name: string; priority: number; ev: number | null }[]> {
  const cells = await pendingMatrix(grid.db, EVERYTHING);
  const byBatch = new Map<string, { batchId: string; name: string; priority: number; value: number; hours: number; tracked: boolean }>();
  for (const c of cells) {
    const b = byBatch.get(c.batchId) ?? { batchId: c.batchId, name: c.batchName, priority: c.batchPriority, value: 0, hours: 0, tracked: false };
    if (c.ev !== null) {
      b.tracked = true;
      b.value += c.ev * Math.max(c.estimatedHours, MIN_HOURS);
      b.hours += Math.max(c.estimatedHours, MIN_HOURS);
    }
    byBatch.set(c.batchId, b);
  }
  return [...byBatch.values()].map((b) => ({ batchId: b.batchId, name: b.name, priority: b.priority, ev: b.tracked ? b.value / b.hours : null }));
}

export async function rebalance(grid: Grid, opts: { dryRun: boolean; actor: string }): Promise<PriorityChange[]> {
  const evs = await batchEvs(grid);
  const maxEv = Math.max(0, ...evs.map((b) => b.ev ?? 0));
  const changes = evs.map((b) => ({ batchId: b.batchId, name: b.name, from: b.priority, to: priorityFromEv(b.ev, maxEv, b.priority), ev: b.ev }))
    .sort((a, b) => (b.ev ?? -Infinity) - (a.ev ?? -Infinity) || a.batchId.localeCompare(b.batchId));
  const moved = changes.filter((c) => c.to !== c.from).sort((a, b) => a.batchId.localeCompare(b.batchId));
  if (opts.dryRun || moved.length === 0) return changes;
  await grid.db.transaction(async (tx) => {
    await reprioritiseBatches(tx, new Map(moved.map((c) => [c.batchId, c.to])));
    await tx.rows(sql`INSERT INTO events (kind, subject, actor, data) VALUES ('batches.rebalanced', NULL, ${opts.actor}, ${JSON.stringify({ changes: moved })}::jsonb)`);
  });
  grid.wakeScheduler();
  return changes;
}
