import { eq } from 'drizzle-orm';
import type { AuthUser } from '../../auth/api-keys';
import { batches } from '../../db/schema/index';
import { NotFound } from '../../errors';
import type { Grid } from '../../coordinator';

export type BatchRow = typeof batches.$inferSelect;

/** Admins see every batch; anyone else only their own. */
export function canSee(user: AuthUser, ownerId: string): boolean {
  return user.role === 'admin' || user.id === ownerId;
}

/**
 * The batch if the user may see it. Another user's batch is "not found" rather than forbidden,
 * so ids do not reveal what exists.
 */
export async function batchFor(grid: Grid, user: AuthUser, id: string): Promise<BatchRow> {
  const [row] = await grid.db.orm.select().from(batches).where(eq(batches.id, id)).limit(1);
  if (!row || !canSee(user, row.ownerId)) throw new NotFound('batch', 'id');
  return row;
}
