import { sql } from 'drizzle-orm';
import type { Tx } from '../db/index';
import type { Verdict } from '../queue/record-verdicts';
import { applyFamilyOutcomes, applyHostOutcomes, applyUserCredit, type FamilyOutcome, type HostOutcome } from './host-reliability';
import { reverseCredit } from './reverse-credit';

/**
 * Credit and reliability for a validator pass's verdicts, in its transaction: a ledger row per
 * valid replica (once: one grant per replica), the hosts' valid/invalid counts, streaks, error
 * rates, totals and recent average credit, each volunteer's totals, and the per-family
 * reliability rows. Totals grow only by the grants actually written, so a replica judged again
 * after its WU was re-opened is not paid twice; one judged invalid on the second look loses the
 * credit it was granted (a reversal row, credit/reverse-credit.ts). A host's CPU total takes in
 * the CPU time of the grants written, valid work only, as its credit does.
 */
export async function grantCredit(tx: Tx, verdicts: Verdict[]): Promise<void> {
  const hosts = new Map<string, HostOutcome>();
  const families = new Map<string, FamilyOutcome>();
  const ledger: { host: string; user: string; replica: number; wu: number; claimed: number; granted: number }[] = [];
  const cpuOf = new Map<number, number>();
  const invalid: number[] = [];
  for (const v of verdicts) {
    let o = hosts.get(v.hostId);
    if (!o) hosts.set(v.hostId, (o = { hostId: v.hostId, valid: 0, invalid: 0, errors: 0, credit: 0 }));
    const fk = `${v.hostId} ${v.family}`;
    let f = families.get(fk);
    if (!f) families.set(fk, (f = { hostId: v.hostId, family: v.family, valid: 0, invalid: 0 }));
    if (!v.valid) {
      o.invalid++;
      f.invalid++;
      invalid.push(v.replicaId);
      continue;
    }
    o.valid++;
    f.valid++;
    cpuOf.set(v.replicaId, v.cpuSeconds);
    ledger.push({ host: v.hostId, user: v.ownerId, replica: v.replicaId, wu: v.wuId, claimed: v.claimed, granted: v.granted });
  }
  const userCredit = new Map<string, number>();
  if (ledger.length) {
    const written = await tx.rows<{ host_id: string; user_id: string; replica_id: number; granted: number }>(sql`
      INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted)
      SELECT d.host, d.user, d.replica, d.wu, d.claimed, d.granted
        FROM jsonb_to_recordset(${JSON.stringify(ledger)}::jsonb) AS d(host uuid, "user" uuid, replica int8, wu int8, claimed float8, granted float8)
      ON CONFLICT (replica_id) WHERE reverses_id IS NULL DO NOTHING
      RETURNING host_id, user_id, replica_id, granted`);
    for (const w of written) {
      const o = hosts.get(w.host_id)!;
      o.credit += Number(w.granted);
      o.cpuSeconds = (o.cpuSeconds ?? 0) + (cpuOf.get(Number(w.replica_id)) ?? 0);
      userCredit.set(w.user_id, (userCredit.get(w.user_id) ?? 0) + Number(w.granted));
    }
  }
  await applyHostOutcomes(tx, [...hosts.values()]);
  await applyUserCredit(tx, userCredit);
  await applyFamilyOutcomes(tx, [...families.values()]);
  await reverseCredit(tx, invalid, 'judged invalid when its work unit was decided again');
}
