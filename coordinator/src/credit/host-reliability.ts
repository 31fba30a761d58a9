import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import { RAC_SQL } from './credit-math';
import { familyOf } from './trust';
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
/** The quota scale after `valid` good and `bad` bad outcomes: × 2 per valid, × ½ per bad, within [2⁻³⁰, 1]. */
export const QUOTA_SCALE_SQL = (scale: string, valid: string, bad: string) =>
  `least(1, greatest(power(2, -30), ${scale} * power(2, least(${valid}, 60)) * power(0.5, least(${bad}, 60))))`;

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
      quota_scale = ${sql.raw(QUOTA_SCALE_SQL('h.quota_scale', 'd.v', 'd.i + d.e'))},
      total_credit = h.total_credit + d.c,
      cpu_seconds = h.cpu_seconds + d.s,
      rac = CASE WHEN d.c > 0 THEN ${sql.raw(RAC_SQL('h.rac', 'd.c', DT_DAYS('h.rac_time')))} ELSE h.rac END,
      rac_time = CASE WHEN d.c > 0 THEN now() ELSE h.rac_time END,
      -- An invalid result is a catch: its past is re-examined (daemons/reexamine.ts).
      caught_at = CASE WHEN d.i > 0 THEN now() ELSE h.caught_at END
    FROM jsonb_to_recordset(${payload}::jsonb) AS d(id uuid, v int, i int, e int, c float8, s float8)
    WHERE h.id = d.id`);
}

/** Outcomes of one host in one kernel family. */
export interface FamilyOutcome {
  hostId: string;
  family: string;
  valid: number;
  invalid: number;
  /** Timeouts: they end the streak and raise the error rate, as on the host row. */
  errors?: number;
}

/**
 * Applies verdicts to the per-family reliability rows (credit/trust.ts reads them), with the same
 * streak and error-rate rule as the host row. Rows are made on first use and locked in key order.
 */
export async function applyFamilyOutcomes(tx: Tx, outcomes: FamilyOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const sorted = [...outcomes].sort((a, b) => (a.hostId === b.hostId ? (a.family < b.family ? -1 : 1) : a.hostId < b.hostId ? -1 : 1));
  // Bad outcomes (b) are the invalid ones and the timeouts; only the invalid ones are counted as such.
  const payload = JSON.stringify(sorted.map((o) => ({ id: o.hostId, f: o.family, v: o.valid, i: o.invalid, b: o.invalid + (o.errors ?? 0) })));
  await tx.rows(sql`
    WITH d AS (SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS d(id uuid, f text, v int, i int, b int))
    INSERT INTO host_reliability AS hr (host_id, family, consecutive_valid, valid_count, invalid_count, error_rate)
    SELECT d.id, d.f, CASE WHEN d.b > 0 THEN 0 ELSE d.v END, d.v, d.i, 0.1 * power(0.95, d.v + d.b) + (1 - power(0.95, d.b))
      FROM d
    ON CONFLICT (host_id, family) DO UPDATE SET
      consecutive_valid = CASE WHEN (SELECT b FROM d WHERE d.id = hr.host_id AND d.f = hr.family) > 0 THEN 0 ELSE hr.consecutive_valid + excluded.valid_count END,
      valid_count = hr.valid_count + excluded.valid_count,
      invalid_count = hr.invalid_count + excluded.invalid_count,
      error_rate = (SELECT hr.error_rate * power(0.95, d.v + d.b) + (1 - power(0.95, d.b)) FROM d WHERE d.id = hr.host_id AND d.f = hr.family),
      updated_at = now()`);
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

/**
 * Timeouts count against each host's error rate and streak, and in its timeout count, on the host
 * row and in the kernel family of each timed-out replica's WU (one row per replica).
 */
export async function recordTimeouts(tx: Tx, timedOut: { host_id: string; wu_id: number }[]): Promise<void> {
  if (timedOut.length === 0) return;
  const hostIds = timedOut.map((r) => r.host_id);
  const perHost = new Map<string, number>();
  for (const id of hostIds) perHost.set(id, (perHost.get(id) ?? 0) + 1);
  await applyHostOutcomes(tx, [...perHost].map(([hostId, n]) => ({ hostId, valid: 0, invalid: 0, errors: n, credit: 0 })));
  await tx.rows(sql`UPDATE hosts SET timeout_count = timeout_count + c.n
    FROM jsonb_to_recordset(${JSON.stringify([...perHost].map(([id, n]) => ({ id, n })))}::jsonb) AS c(id uuid, n int) WHERE hosts.id = c.id`);
  const kernels = await tx.rows<{ id: number; kernel: string }>(sql`SELECT id, kernel FROM work_units WHERE id = ANY(${int8Array(timedOut.map((r) => r.wu_id))})`);
  const kernelOf = new Map(kernels.map((k) => [Number(k.id), k.kernel]));
  const perFamily = new Map<string, FamilyOutcome>();
  for (const r of timedOut) {
    const family = familyOf(kernelOf.get(Number(r.wu_id)) ?? '');
    const key = `${r.host_id} ${family}`;
    const o = perFamily.get(key) ?? { hostId: r.host_id, family, valid: 0, invalid: 0, errors: 0 };
    o.errors! += 1;
    perFamily.set(key, o);
  }
  await applyFamilyOutcomes(tx, [...perFamily.values()]);
}
