import type { Tx } from '../db/index';
import { events } from '../db/schema/index';

/*
 * The audit log: who did what through the API or the console (bans, keys, priorities, logins).
 * Written in the caller's transaction, so an action and its record commit together; read by the
 * events route and the console's event feed.
 */

/** One row in the audit/event feed for an action taken through the API. */
export async function recordEvent(db: Tx, kind: string, subject: string | null, actor: string | null, data?: Record<string, unknown>): Promise<void> {
  await db.orm.insert(events).values({ kind, subject, actor, data: data ?? null });
}
