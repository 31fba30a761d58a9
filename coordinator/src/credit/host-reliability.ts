import { sql } from 'drizzle-orm';
import { RAC_SQL } from './credit-math';
import type { Tx } from '../db/index';

export interface HostOutcome {
  hostId: string;
  valid: number;
  invalid: number;
  /** Errors and timeouts: they count against the error rate but are not invalid results. */
  errors: number;
  credit: number;
  /** CPU seconds of valid work, added to the host's total (a negative value takes some back). */
  cpuSeconds?: number;
}

/*
 * Error rate is an exponentially weighted share of bad outcomes (weight 0.05 per replica). In a
 * batch the good outcomes are applied first, then the bad ones:
 *   rate' = rate * 0.95^(good+bad) + (1 - 0.95^bad).
 * One invalid result ends the valid streak at once, so the host loses trust immediately.
 */
const DT_DAYS = (col: string) => `coalesce(extract(epoch from (now() - ${col})) / 86400.0, 0)`;

/** Applies outcomes to host rows, locking them in id order so concurrent validators never deadlock. */
export async function applyHostOutcomes(tx: Tx, outcomes: HostOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const sorted = [...outcomes].sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
  const payload = JSON.stringify(sorted.map((o) => ({ id: o.hostId, v: o.valid, i: o.invalid, e: o.errors, c: o.credit, s: o.cpuSeconds ?? 0 })));
  await tx.rows(sql`SELECT id FROM hosts WHERE id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(${payload}::jsonb) x) ORDER BY id FOR NO KEY UPDATE`);
  await tx.rows(sql`
    UPDATE hosts h SET
      valid_count = h.valid_count + d.v,
      invalid_count = h.invalid_count + d.i,
      error_count = h.error_count + d.e,
      consecutive_valid = CASE WHEN d.i + d.e > 0 THEN 0 ELSE h.consecutive_valid + d.v END,
      error_rate = h.error_rate * power(0.95, d.v + d.i + d.e) + (1 - power(0.95, d.i + d.e)),
      total_credit = h.total_credit + d.c,
      cpu_seconds = h.cpu_seconds + d.s,
      rac = CASE WHEN d.c > 0 THEN ${sql.raw(RAC_SQL('h.rac', 'd.c', DT_DAYS('h.rac_time')))} ELSE h.rac END,
      rac_time = CASE WHEN d.c > 0 THEN now() ELSE h.rac_time END
    FROM jsonb_to_recordset(${payload}::jsonb) AS d(id uuid, v int, i int, e int, c float8, s float8)
    WHERE h.id = d.id`);
}

/** Adds granted credit to each volunteer's totals and recent average. */
export async function applyUserCredit(tx: Tx, credit: Map<string, number>): Promise<void> {
  const rows = [...credit].filter(([, c]) => c > 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, c]) => ({ id, c }));
  if (rows.length === 0) return;
  await tx.rows(sql`
    INSERT INTO user_credit (user_id, total_credit, rac, rac_time)
    SELECT d.id, d.c, ${sql.raw(RAC_SQL('0', 'd.c', '0'))}, now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS d(id uuid, c float8)
     ORDER BY d.id
    ON CONFLICT (user_id) DO UPDATE SET
      total_credit = user_credit.total_credit + excluded.total_credit,
      rac = ${sql.raw(RAC_SQL('user_credit.rac', 'excluded.total_credit', DT_DAYS('user_credit.rac_time')))},
      rac_time = now()`);
}

/** Timeouts count against each host's error rate and streak, and in its timeout count (one host id per replica). */
export async function recordTimeouts(tx: Tx, hostIds: string[]): Promise<void> {
  if (hostIds.length === 0) return;
  const perHost = new Map<string, number>();
  for (const id of hostIds) perHost.set(id, (perHost.get(id) ?? 0) + 1);
  await applyHostOutcomes(tx, [...perHost].map(([hostId, n]) => ({ hostId, valid: 0, invalid: 0, errors: n, credit: 0 })));
  await tx.rows(sql`UPDATE hosts SET timeout_count = timeout_count + c.n
    FROM jsonb_to_recordset(${JSON.stringify([...perHost].map(([id, n]) => ({ id, n })))}::jsonb) AS c(id uuid, n int) WHERE hosts.id = c.id`);
}
