import { sql } from 'drizzle-orm';
import type { Readings } from '@nfl-grid/shared/protocol/host-report';
import type { Db } from '../db/index';

/** One sample a minute per host is enough for charts over hours and days. */
export const HOST_SAMPLE_SECONDS = 60;
/** Older samples are dropped as new ones arrive, so the table stays bounded (a week of minutes per host). */
export const HOST_SAMPLE_DAYS = 7;

/**
 * Keeps a host's reported state in its history (host_samples) when its last sample is older than
 * HOST_SAMPLE_SECONDS, and drops its samples older than HOST_SAMPLE_DAYS. Two coordinators may
 * race to one extra sample; a chart does not mind.
 */
export async function recordHostSample(db: Db, hostId: string, s: { intensity: string; running: number; readings: Readings }): Promise<void> {
  const added = await db.rows<{ id: number }>(sql`
    INSERT INTO host_samples (host_id, intensity, running, cpu_load, cpu_temp, gpu_temp)
    SELECT ${hostId}, ${s.intensity}::intensity, ${s.running}, ${s.readings.cpuLoad}, ${s.readings.cpuTemp}, ${s.readings.gpuTemp}
     WHERE NOT EXISTS (SELECT 1 FROM host_samples WHERE host_id = ${hostId} AND at > now() - make_interval(secs => ${HOST_SAMPLE_SECONDS}))
    RETURNING id`);
  if (added.length === 0) return;
  await db.rows(sql`DELETE FROM host_samples WHERE host_id = ${hostId} AND at < now() - make_interval(days => ${HOST_SAMPLE_DAYS})`);
}
