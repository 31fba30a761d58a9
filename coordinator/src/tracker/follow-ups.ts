import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import type { FollowUp } from '@nfl-grid/shared/api/console-types';
import { batchIn, type Scope } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import type { Db } from '../db/index';
import { batches, events, performanceFollowUps, performanceSettings } from '../db/schema/index';
import { Conflict, NotFound } from '../errors';
import type { Grid } from '../grid';
import { submitBatch } from '../queue/submit-batch';

/*
 * Deciding on follow-up suggestions. State: suggested → accepted (an admin accepted: a batch is
 * submitted in their name) | queued (auto-queue: a batch in the source batch owner's name) |
 * rejected | superseded (the tracker found a newer best) | failed (submitting was refused).
 * Each decision claims the row with a conditional UPDATE, so two coordinators or two admins
 * never submit one suggestion twice.
 */

type FollowUpRow = typeof performanceFollowUps.$inferSelect;

function followUpView(f: FollowUpRow): FollowUp {
  return {
    id: f.id, modelKey: f.modelKey, kind: f.kind, state: f.state, reason: f.reason, spec: f.spec,
    sourceWuId: f.sourceWuId, sourceBatchId: f.sourceBatchId, batchId: f.batchId, decidedBy: f.decidedBy,
    decidedAt: f.decidedAt, error: f.error, createdAt: f.createdAt,
  };
}

/** Suggestions drawn from the scope's own batches (an admin's: all), newest first. */
export async function listFollowUps(grid: Grid, scope: Scope, q: { state?: string; model?: string; limit: number }) {
  const where = and(
    q.state ? eq(performanceFollowUps.state, q.state) : undefined, q.model ? eq(performanceFollowUps.modelKey, q.model) : undefined,
    batchIn(scope, performanceFollowUps.sourceBatchId),
  );
  const rows = await grid.db.orm.select().from(performanceFollowUps).where(where).orderBy(desc(performanceFollowUps.createdAt)).limit(q.limit);
  return rows.map(followUpView);
}

async function claim(grid: Grid, id: string, state: 'accepted' | 'rejected', actor: string): Promise<FollowUpRow> {
  const [row] = await grid.db.orm.update(performanceFollowUps).set({ state, decidedBy: actor, decidedAt: new Date() })
    .where(and(eq(performanceFollowUps.id, id), eq(performanceFollowUps.state, 'suggested'))).returning();
  if (row) return row;
  const [existing] = await grid.db.orm.select({ state: performanceFollowUps.state }).from(performanceFollowUps).where(eq(performanceFollowUps.id, id));
  if (!existing) throw new NotFound('follow-up', 'id');
  throw new Conflict(`follow-up is ${existing.state}, not suggested`, 'not_suggested');
}

/** Submits the suggestion's batch for `ownerId`; on refusal the row is marked failed (or back to suggested). */
async function submitFor(grid: Grid, f: FollowUpRow, ownerId: string, onError: 'failed' | 'suggested') {
  try {
    const r = await submitBatch(grid, ownerId, BatchSpec.parse(f.spec));
    await grid.db.orm.update(performanceFollowUps).set({ batchId: r.batchId, error: null }).where(eq(performanceFollowUps.id, f.id));
    await grid.db.orm.insert(events).values({ kind: 'performance.follow_up', subject: f.id, actor: ownerId, data: { state: f.state, batchId: r.batchId, modelKey: f.modelKey } });
    return r;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await grid.db.orm.update(performanceFollowUps).set({ state: onError, error, ...(onError === 'suggested' ? { decidedAt: null, decidedBy: null } : {}) }).where(eq(performanceFollowUps.id, f.id));
    throw e;
  }
}

export async function acceptFollowUp(grid: Grid, id: string, user: AuthUser) {
  const f = await claim(grid, id, 'accepted', user.name);
  const r = await submitFor(grid, f, user.id, 'suggested');
  return { ...followUpView({ ...f, batchId: r.batchId }), wuCount: r.wuCount, estimatedHours: r.estimatedHours };
}

export async function rejectFollowUp(grid: Grid, id: string, user: AuthUser) {
  return followUpView(await claim(grid, id, 'rejected', user.name));
}

/** With auto-queue on, submits every waiting suggestion (claimed with SKIP LOCKED). Returns batch ids. */
export async function queueAutoFollowUps(grid: Grid, limit = 20): Promise<string[]> {
  if (!(await readSettings(grid.db)).autoQueueFollowUps) return [];
  const claimed = await grid.db.rows<{ id: string }>(sql`
    UPDATE performance_follow_ups SET state = 'queued', decided_by = 'auto-queue', decided_at = now()
     WHERE id IN (SELECT id FROM performance_follow_ups WHERE state = 'suggested' ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  if (claimed.length === 0) return [];
  const rows = await grid.db.orm.select({ f: performanceFollowUps, ownerId: batches.ownerId }).from(performanceFollowUps)
    .innerJoin(batches, eq(batches.id, performanceFollowUps.sourceBatchId)).where(inArray(performanceFollowUps.id, claimed.map((c) => c.id)));
  const out: string[] = [];
  for (const { f, ownerId } of rows) {
    try {
      out.push((await submitFor(grid, f, ownerId, 'failed')).batchId);
    } catch (e) {
      grid.log.component('tracker').warn('auto-queued follow-up refused', { id: f.id, error: e as Error });
    }
  }
  return out;
}

/**
 * Runs queueAutoFollowUps after each validator pass that validated something (the tracker may
 * have suggested work), one run at a time per process. Returns the unsubscribe function.
 */
export function autoQueueOnValidated(grid: Grid): () => void {
  let running = false, again = false;
  const run = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      do { again = false; await queueAutoFollowUps(grid); } while (again);
    } catch (e) {
      grid.log.component('tracker').warn('auto-queue of follow-ups failed', { error: e as Error });
    } finally {
      running = false;
    }
  };
  return grid.events.on('wu.validated', () => void run());
}

/** Tracker settings, shared by every coordinator on the database (one row). */
export interface PerformanceSettings {
  /** Queue follow-up suggestions as batches as soon as they appear (owner: the source batch's owner). */
  autoQueueFollowUps: boolean;
}

const KEY = 'tracker';
const DEFAULT_SETTINGS: PerformanceSettings = { autoQueueFollowUps: false };

export async function readSettings(db: Pick<Db, 'orm'>): Promise<PerformanceSettings> {
  const [row] = await db.orm.select().from(performanceSettings).where(sql`${performanceSettings.key} = ${KEY}`);
  return { ...DEFAULT_SETTINGS, ...(row?.value as Partial<PerformanceSettings> | undefined) };
}

export async function writeSettings(db: Pick<Db, 'orm'>, patch: Partial<PerformanceSettings>): Promise<PerformanceSettings> {
  const next = { ...(await readSettings(db)), ...patch };
  await db.orm.insert(performanceSettings).values({ key: KEY, value: next })
    .onConflictDoUpdate({ target: performanceSettings.key, set: { value: next, updatedAt: new Date() } });
  return next;
}
