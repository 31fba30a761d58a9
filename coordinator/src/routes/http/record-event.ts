import { events } from '../../db/schema/index';
import type { Tx } from '../../db/index';

/** One row in the audit/event feed for an action taken through the API. */
export async function recordEvent(db: Tx, kind: string, subject: string | null, actor: string | null, data?: Record<string, unknown>): Promise<void> {
  await db.orm.insert(events).values({ kind, subject, actor, data: data ?? null });
}
