import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index';
import { recordBanditEvent } from './state';

/*
 * Arm caps. A capped arm is offered to the strategy only while its share of recent dispatch is
 * below `cap_share`. A cap of 0 stops the arm; a cap above 0 still lets it serve a host that no
 * other arm has work for (the grid stays busy). Whoever changes a cap tells the bandit
 * (bandit.invalidate()), so its cached candidates are read again.
 */

/** Caps an arm (creating its row if it has none yet). Returns false when the arm was already capped and `onlyIfUncapped`. */
export async function capArm(db: Pick<Tx, 'rows'>, arm: string, share: number, reason: string, actor: string, onlyIfUncapped = false): Promise<boolean> {
  await db.rows(sql`INSERT INTO bandit_arms (arm) VALUES (${arm}) ON CONFLICT (arm) DO NOTHING`);
  const rows = await db.rows(sql`
    UPDATE bandit_arms SET cap_share = ${share}, cap_reason = ${reason}, capped_by = ${actor}, capped_at = now(), updated_at = now()
     WHERE arm = ${arm} ${onlyIfUncapped ? sql`AND cap_share IS NULL` : sql``}
    RETURNING arm`);
  return rows.length > 0;
}

export async function capArmByAdmin(db: Db, arm: string, share: number, reason: string | undefined, actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    await capArm(tx, arm, share, reason ?? 'capped by an admin', actor);
    await recordBanditEvent(tx, 'bandit.arm.capped', arm, actor, { maxShare: share, reason: reason ?? null });
  });
}

/** Lifts a cap; guardrail windows for the arm start afresh. Returns false when it was not capped. */
export async function uncapArm(db: Db, arm: string, actor: string): Promise<boolean> {
  const lifted = await db.transaction(async (tx) => {
    const rows = await tx.rows<{ cap_share: number; cap_reason: string | null }>(sql`
      UPDATE bandit_arms a SET cap_share = NULL, cap_reason = NULL, capped_by = NULL, capped_at = NULL, uncapped_at = now(), updated_at = now()
        FROM (SELECT arm, cap_share, cap_reason FROM bandit_arms WHERE arm = ${arm} FOR UPDATE) old
       WHERE a.arm = old.arm AND old.cap_share IS NOT NULL
      RETURNING old.cap_share, old.cap_reason`);
    if (rows.length === 0) return false;
    await recordBanditEvent(tx, 'bandit.arm.uncapped', arm, actor, { was: { maxShare: rows[0]!.cap_share, reason: rows[0]!.cap_reason } });
    return true;
  });
  return lifted;
}
