import { sql } from 'drizzle-orm';
import type { QueuePlace } from '@nfl-grid/shared/api/console-types';
import type { Db } from '../db/index';
import { fairLoadSql } from './fair-share';
import { live, WU } from './states';

/*
 * Where each open batch stands in the claim order (claim-work.ts), and when it should be done.
 * Position: its rank among open batches with work left, by admin priority, then the fair share
 * (least loaded researcher first), then the owner's own order. ETA: the grid's throughput over
 * the last hour (estimated cost of replicas reported per second) first clears every batch of a
 * higher admin priority, then, within the batch's own tier, serves its owner at their share of
 * the owners queued there: the work of the owner's batches ahead of it and its own at that
 * rate. An estimate: it assumes today's throughput and today's queue.
 */

const THROUGHPUT_WINDOW_SECONDS = 3600;

interface Row { id: string; owner_id: string; admin_priority: number; share: number; remaining: number }

/** Each open batch with work left: its queue place. Batches absent from the map are not queued. */
export async function queuePlaces(db: Db, halfLifeHours?: number): Promise<Map<string, QueuePlace>> {
  const rows = await db.rows<Row>(sql`
    WITH fair AS (${fairLoadSql(halfLifeHours)}),
    remaining AS (
      -- Replicas still to run or report, weighted by cost.
      SELECT batch_id, sum(cost_estimate * greatest(0, replicas_needed + replicas_sent - replicas_reported))::float8 AS cost
        FROM work_units WHERE state IN ${live(WU)}
       GROUP BY batch_id
    )
    SELECT b.id, b.owner_id, b.admin_priority, u.share::float8 AS share, r.cost AS remaining
      FROM batches b
      JOIN remaining r ON r.batch_id = b.id
      JOIN users u ON u.id = b.owner_id
      JOIN fair f ON f.owner_id = b.owner_id
     WHERE b.state = 'open' AND r.cost > 0
     ORDER BY b.admin_priority DESC, f.load, b.owner_id, b.priority DESC, b.created_at, b.id`);
  const [tp] = await db.rows<{ per_second: number }>(sql`
    SELECT coalesce(sum(w.cost_estimate), 0)::float8 / ${THROUGHPUT_WINDOW_SECONDS} AS per_second
      FROM replicas r JOIN work_units w ON w.id = r.wu_id
     WHERE r.reported_at > now() - make_interval(secs => ${THROUGHPUT_WINDOW_SECONDS})`);
  const perSecond = tp?.per_second ?? 0;

  const out = new Map<string, QueuePlace>();
  rows.forEach((r, i) => {
    const above = rows.filter((o) => o.admin_priority > r.admin_priority).reduce((s, o) => s + o.remaining, 0);
    const tier = rows.filter((o) => o.admin_priority === r.admin_priority);
    const shares = new Map(tier.map((o) => [o.owner_id, o.share]));
    const fraction = r.share / [...shares.values()].reduce((s, x) => s + x, 0);
    const ownAhead = tier.slice(0, tier.indexOf(r) + 1).filter((o) => o.owner_id === r.owner_id).reduce((s, o) => s + o.remaining, 0);
    const etaSeconds = perSecond > 0 ? Math.round(above / perSecond + ownAhead / (perSecond * fraction)) : null;
    out.set(r.id, { position: i + 1, of: rows.length, etaSeconds });
  });
  return out;
}
