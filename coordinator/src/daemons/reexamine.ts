import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index';
import type { Grid } from '../grid';
import { reopenWorkUnits, type Reopened, type ReopenTarget } from '../queue/reopen-work';

/*
 * Re-examining a caught host's past. A host is caught when one of its results is judged invalid
 * (hosts.caught_at, set with its outcomes in credit/host-reliability.ts); the validator's pass
 * then re-examines each host caught since its last re-examination, one transaction per host, and
 * marks the catch done (hosts.reexamined_at), so a coordinator that dies in between does it on
 * its next pass. Re-examination re-opens (queue/reopen-work.ts):
 *   - every done WU the host validated alone (its replica the only valid one), whatever its age;
 *   - every done WU whose quorum it was part of (its replica valid beside others) that finished
 *     within the window (reliability.reexamineWindowDays).
 */

export interface ReexamineOptions {
  windowDays: number;
  reason?: string;
}

/** The done WUs a host vouched for: alone (any age) or in a quorum (finished within the window). */
async function targetsOf(tx: Tx, hostId: string, windowDays: number): Promise<ReopenTarget[]> {
  const rows = await tx.rows<{ id: number; alone: boolean }>(sql`
    SELECT v.id, v.alone FROM (
      SELECT w.id, w.finished_at,
             NOT EXISTS (SELECT 1 FROM replicas o WHERE o.wu_id = w.id AND o.id <> r.id AND o.validate_state = 'valid') AS alone
        FROM replicas r JOIN work_units w ON w.id = r.wu_id
       WHERE r.host_id = ${hostId} AND r.validate_state = 'valid' AND w.state = 'done'
    ) v
     WHERE v.alone OR v.finished_at >= now() - make_interval(secs => ${windowDays * 86400})
     ORDER BY v.id`);
  return rows.map((r) => ({ wuId: Number(r.id), kind: r.alone ? 'solo' as const : 'quorum' as const }));
}

/**
 * Re-examines one host now, in the caller's transaction (the drill and the admin call it too):
 * re-opens what it vouched for. Returns what was re-opened.
 */
export async function reexamineHost(tx: Tx, hostId: string, opts: ReexamineOptions): Promise<Reopened> {
  const [h] = await tx.rows<{ name: string }>(sql`SELECT name FROM hosts WHERE id = ${hostId}`);
  const reason = opts.reason ?? `host ${h?.name ?? hostId}, which vouched for it, returned an invalid result`;
  const reopened = await reopenWorkUnits(tx, hostId, await targetsOf(tx, hostId, opts.windowDays), reason);
  if (reopened.wuIds.length) {
    await tx.rows(sql`
      INSERT INTO events (kind, subject, data)
      VALUES ('host.reexamined', ${hostId}, ${JSON.stringify({ reason, wuIds: reopened.wuIds.slice(0, 100), reopened: reopened.wuIds.length, creditReversed: reopened.creditReversed })}::jsonb)`);
  }
  return reopened;
}

/** Hosts caught since their last re-examination (a few per pass). */
async function caughtHosts(db: Db, limit: number): Promise<string[]> {
  const rows = await db.rows<{ id: string }>(sql`
    SELECT id FROM hosts WHERE caught_at IS NOT NULL AND (reexamined_at IS NULL OR reexamined_at < caught_at)
     ORDER BY caught_at LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

/**
 * Re-examines the hosts caught since last time; returns the number of WUs re-opened. Two
 * coordinators never re-examine one host at once (an advisory lock per host, skipped if taken).
 */
export async function reexamineCaught(grid: Grid, limit = 10): Promise<number> {
  let total = 0;
  for (const hostId of await caughtHosts(grid.db, limit)) {
    const r = await grid.db.transaction(async (tx): Promise<Reopened | null> => {
      const [lock] = await tx.rows<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(hashtext(${`nfl-grid.reexamine:${hostId}`})) AS ok`);
      if (!lock?.ok) return null;
      // As text, so the mark below is exactly the catch it handled (a later catch stays due).
      const [h] = await tx.rows<{ caught_at: string }>(sql`
        SELECT caught_at::text AS caught_at FROM hosts WHERE id = ${hostId} AND caught_at IS NOT NULL AND (reexamined_at IS NULL OR reexamined_at < caught_at)`);
      if (!h) return null;
      const r = await reexamineHost(tx, hostId, { windowDays: grid.config.reliability.reexamineWindowDays });
      await tx.rows(sql`UPDATE hosts SET reexamined_at = ${h.caught_at}::timestamptz WHERE id = ${hostId}`);
      return r;
    });
    if (!r?.wuIds.length) continue;
    total += r.wuIds.length;
    grid.log.component('reexamine').info('host re-examined', { hostId, reopened: r.wuIds.length, creditReversed: r.creditReversed, models: r.models.length });
    grid.events.emit('wu.reopened', { wuIds: r.wuIds, hostId, production: r.models.some((m) => m.wasProduction) });
  }
  return total;
}
