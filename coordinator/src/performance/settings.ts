import { sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { performanceSettings } from '../db/schema/index';

/** Tracker settings, shared by every coordinator on the database (one row). */
export interface PerformanceSettings {
  /** Queue follow-up suggestions as batches as soon as they appear (owner: the source batch's owner). */
  autoQueueFollowUps: boolean;
}

const KEY = 'tracker';
export const DEFAULT_SETTINGS: PerformanceSettings = { autoQueueFollowUps: false };

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
