import { sql, type SQL } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { reissueLost } from './reissue';
import { movableTo, REPLICA } from './states';

/*
 * Work nobody holds: replicas `in_progress` in the database that no agent is working on, because
 * the packet never reached the host (the coordinator died between claim and send, or the socket
 * dropped with the packet in flight). Each becomes `abandoned` and gives its WU the replica back
 * at once, as reissue.ts does for timeouts, instead of waiting out the deadline.
 */

export interface Released {
  id: number;
  wu_id: number;
  host_id: string;
}

/**
 * Abandons the in-progress replicas `picked` selects (a condition on `r`), locking their WUs
 * first in id order; `skipLocked` leaves WUs another transaction holds for a later pass.
 */
async function release(tx: Tx, picked: SQL, limit: number | null, skipLocked: boolean, code: string, message: string): Promise<Released[]> {
  const wus = await tx.rows<{ id: number }>(sql`
    SELECT id FROM work_units
     WHERE id IN (SELECT r.wu_id FROM replicas r WHERE r.state = 'in_progress' AND ${picked}
                   ${limit === null ? sql`` : sql`ORDER BY r.sent_at LIMIT ${limit}`})
     ORDER BY id FOR UPDATE ${skipLocked ? sql`SKIP LOCKED` : sql``}`);
  if (wus.length === 0) return [];
  return tx.rows<Released>(reissueLost(sql`
      UPDATE replicas r SET state = 'abandoned', error_code = ${code}, error_message = ${message}, reported_at = now()
       WHERE r.wu_id = ANY(${int8Array(wus.map((w) => w.id))})
         AND r.state IN ${movableTo(REPLICA, 'abandoned')} AND ${picked}
      RETURNING r.id, r.wu_id, r.host_id`));
}

/**
 * At hello: the agent listed every replica it holds (running, queued, or a result in its outbox).
 * Those are marked delivered (their packet evidently arrived) and no longer suspended (the host is
 * back for them: their deadline applies again); every other in-progress replica of the host is
 * released.
 */
export async function releaseUnheldAtHello(tx: Tx, hostId: string, holding: readonly number[]): Promise<Released[]> {
  if (holding.length) {
    await tx.rows(sql`
      UPDATE replicas SET delivered_at = COALESCE(delivered_at, now()), suspended_until = NULL
       WHERE host_id = ${hostId} AND id = ANY(${int8Array(holding)}) AND state = 'in_progress'
         AND (delivered_at IS NULL OR suspended_until IS NOT NULL)`);
  }
  return release(tx, sql`r.host_id = ${hostId} AND NOT (r.id = ANY(${int8Array(holding)}))`, null, false,
    'not_held', 'the host reconnected without this replica');
}

/**
 * A coordinator restart: replicas claimed more than `graceMs` ago whose packet was never sent
 * (delivered_at empty). A live coordinator sends within milliseconds of its claim, so only a
 * claim whose sender died stays undelivered that long.
 */
export async function releaseUndelivered(tx: Tx, graceMs: number, limit: number): Promise<Released[]> {
  return release(tx, sql`r.delivered_at IS NULL AND r.sent_at < now() - make_interval(secs => ${graceMs / 1000})`, limit, true,
    'undelivered', 'the work packet was claimed but never sent');
}

/** After a packet went down the host's socket. */
export async function markDelivered(tx: Tx, replicaIds: readonly number[]): Promise<void> {
  await tx.rows(sql`UPDATE replicas SET delivered_at = now() WHERE id = ANY(${int8Array(replicaIds)}) AND delivered_at IS NULL`);
}
