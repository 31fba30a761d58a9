import { sql } from 'drizzle-orm';
import { int8Array, uuidArray } from '../db/arrays';
import type { Tx } from '../db/index';

/*
 * Models built on re-opened WUs are withdrawn in the re-opening's transaction: a candidate is
 * archived with the reason; a production version is rolled back, its predecessor (when it has
 * one that is not withdrawn too) serving again, as a rollback by hand would do. The WUs' new
 * canonical outputs, once validated, are offered to the registry again by the assimilator.
 */

export interface WithdrawnModel {
  id: string;
  name: string;
  version: number;
  wasProduction: boolean;
  restoredId: string | null;
}

export async function withdrawModelsBuiltOn(tx: Tx, wuIds: number[], reason: string): Promise<WithdrawnModel[]> {
  if (wuIds.length === 0) return [];
  const hit = await tx.rows<{ id: string; name: string; version: number; state: string; replaces_id: string | null }>(sql`
    SELECT id, name, version, state::text AS state, replaces_id FROM models
     WHERE wu_ids && ${int8Array(wuIds)} AND state <> 'archived'
     ORDER BY id FOR UPDATE`);
  if (hit.length === 0) return [];
  const gone = new Set(hit.map((m) => m.id));
  await tx.rows(sql`
    UPDATE models SET state = 'archived', archived_at = now(), withdrawn_reason = ${reason}
     WHERE id = ANY(${uuidArray(hit.map((m) => m.id))})`);
  const out: WithdrawnModel[] = [];
  for (const m of hit) {
    let restoredId: string | null = null;
    if (m.state === 'production' && m.replaces_id && !gone.has(m.replaces_id)) {
      const [r] = await tx.rows<{ id: string }>(sql`
        UPDATE models SET state = 'production', promoted_at = now(), archived_at = NULL
         WHERE id = ${m.replaces_id} AND state = 'archived' AND withdrawn_reason IS NULL
           AND NOT EXISTS (SELECT 1 FROM models p WHERE p.name = ${m.name} AND p.state = 'production')
        RETURNING id`);
      restoredId = r?.id ?? null;
    }
    out.push({ id: m.id, name: m.name, version: m.version, wasProduction: m.state === 'production', restoredId });
  }
  return out;
}
