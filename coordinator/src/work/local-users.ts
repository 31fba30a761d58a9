import { eq } from 'drizzle-orm';
import type { Db } from '../db/index';
import { users } from '../db/schema/index';

/** The user of that name, made (without a key) if missing: for the one-machine grid's own accounts. */
export async function findOrCreateUser(db: Db, u: { name: string; role: 'admin' | 'researcher' | 'volunteer' }): Promise<{ id: string }> {
  await db.orm.insert(users).values({ name: u.name, role: u.role }).onConflictDoNothing();
  const [row] = await db.orm.select({ id: users.id }).from(users).where(eq(users.name, u.name)).limit(1);
  return row!;
}
