import { sql } from 'drizzle-orm';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { RAC_HALF_LIFE_DAYS } from './credit-math';

/*
 * Taking credit back, append-only: each standing grant of the given replicas gets one reversal
 * row in credit_ledger (negative `granted`, the grant's id, the reason); existing rows are never
 * changed. The hosts' and volunteers' totals drop by what was reversed. Recent average credit
 * drops by what the grant still contributes to it: a grant of g added about ln2·g/7 per day when
 * it was made, decayed since with the 7-day half-life, so that share is subtracted (never below
 * zero). A replica's credit is reversed once: a second call finds no standing grant.
 */

export interface Reversed {
  replicaId: number;
  hostId: string;
  userId: string;
  granted: number;
}


export async function reverseCredit(tx: Tx, replicaIds: number[], reason: string): Promise<Reversed[]> {
  if (replicaIds.length === 0) return [];
  const rows = await tx.rows<{ replica_id: number; host_id: string; user_id: string; granted: number; age_days: number }>(sql`
    WITH grants AS (
      SELECT g.id, g.host_id, g.user_id, g.replica_id, g.wu_id, g.granted,
             extract(epoch from (now() - g.created_at)) / 86400.0 AS age_days
        FROM credit_ledger g
       WHERE g.replica_id = ANY(${int8Array(replicaIds)}) AND g.reverses_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM credit_ledger x WHERE x.reverses_id = g.id)
       ORDER BY g.id
    ), ins AS (
      INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted, reverses_id, reason)
      SELECT host_id, user_id, replica_id, wu_id, 0, -granted, id, ${reason} FROM grants
      ON CONFLICT (reverses_id) WHERE reverses_id IS NOT NULL DO NOTHING
      RETURNING reverses_id
    )
    SELECT g.replica_id, g.host_id, g.user_id, g.granted, g.age_days FROM grants g JOIN ins ON ins.reverses_id = g.id`);
  if (rows.length === 0) return [];
  const byHost = new Map<string, { c: number; r: number }>(), byUser = new Map<string, { c: number; r: number }>();
  for (const r of rows) {
    const share = Number(r.granted) * Math.LN2 / RAC_HALF_LIFE_DAYS * Math.exp(-Number(r.age_days) * Math.LN2 / RAC_HALF_LIFE_DAYS);
    for (const [m, k] of [[byHost, r.host_id], [byUser, r.user_id]] as const) {
      const t = m.get(k) ?? { c: 0, r: 0 };
      m.set(k, { c: t.c + Number(r.granted), r: t.r + share });
    }
  }
  const payload = (m: Map<string, { c: number; r: number }>) => JSON.stringify([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, t]) => ({ id, ...t })));
  await tx.rows(sql`
    UPDATE hosts h SET total_credit = greatest(0, h.total_credit - d.c), rac = greatest(0, h.rac - d.r)
      FROM jsonb_to_recordset(${payload(byHost)}::jsonb) AS d(id uuid, c float8, r float8) WHERE h.id = d.id`);
  await tx.rows(sql`
    UPDATE user_credit u SET total_credit = greatest(0, u.total_credit - d.c), rac = greatest(0, u.rac - d.r)
      FROM jsonb_to_recordset(${payload(byUser)}::jsonb) AS d(id uuid, c float8, r float8) WHERE u.user_id = d.id`);
  return rows.map((r) => ({ replicaId: Number(r.replica_id), hostId: r.host_id, userId: r.user_id, granted: Number(r.granted) }));
}
