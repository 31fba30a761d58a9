import { sql, type SQL } from 'drizzle-orm';

/*
 * Fair share of the grid between researchers, after BOINC's computing share: each researcher's
 * recent usage (the estimated cost of the replicas handed out for their batches, each weighted
 * by 2^(-age / half-life)) divided by their share (users.share, 1 unless an admin set it) is
 * their load. A claim serves the least loaded researcher first, so a researcher who has had
 * little of the grid lately catches up and one who floods the queue waits for the others.
 * Order within one researcher's work is their own (batch priority, then age); only an admin's
 * priority (admin_priority) ranks across researchers, ahead of the fair share.
 */

/** The default half-life when a claim is made without the grid's config (tests, tools). */
export const FAIR_SHARE_HALF_LIFE_HOURS = 6;

/** Usage older than this many half-lives weighs under 1/16 and is left out of the sum. */
const WINDOW_HALF_LIVES = 4;

/**
 * One row per researcher: owner_id and load (decayed usage / share). Owners with no recent
 * usage have load 0. A SELECT for a CTE body.
 */
export function fairLoadSql(halfLifeHours: number = FAIR_SHARE_HALF_LIFE_HOURS): SQL {
  const halfLife = sql`make_interval(secs => ${halfLifeHours * 3600}::float8)`;
  return sql`
    SELECT u.id AS owner_id,
           coalesce(usage.cost, 0) / greatest(u.share, 1e-9) AS load
      FROM users u
      LEFT JOIN (
        SELECT b.owner_id,
               sum(w.cost_estimate * power(2, -extract(epoch FROM now() - r.sent_at) / extract(epoch FROM ${halfLife}))) AS cost
          FROM replicas r
          JOIN work_units w ON w.id = r.wu_id
          JOIN batches b ON b.id = w.batch_id
         WHERE r.sent_at > now() - ${halfLife} * ${WINDOW_HALF_LIVES}
         GROUP BY b.owner_id
      ) usage ON usage.owner_id = u.id`;
}
