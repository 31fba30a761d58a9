import { eq } from 'drizzle-orm';
import type { CreateUserBody } from '@nfl-grid/shared/api/users';
import type { Db } from '../db/index';
import { users } from '../db/schema/index';
import { Conflict } from '../errors';
import { insertApiKey, type AuthUser } from './api-keys';

/** Creates a user with a first API key, in one transaction. The key is returned once. */
export async function createUserWithKey(db: Db, input: CreateUserBody): Promise<{ user: AuthUser & { createdAt: Date }; key: string; keyId: string }> {
  return db.transaction(async (tx) => {
    const [taken] = await tx.orm.select({ id: users.id }).from(users).where(eq(users.name, input.name)).limit(1);
    if (taken) throw new Conflict(`user ${input.name} already exists`, 'name_taken', 'name');
    const [user] = await tx.orm.insert(users).values({ name: input.name, role: input.role, team: input.team ?? null })
      .onConflictDoNothing().returning();
    if (!user) throw new Conflict(`user ${input.name} already exists`, 'name_taken', 'name');
    const k = await insertApiKey(tx, user.id, 'first key');
    return { user: { id: user.id, name: user.name, role: user.role, team: user.team, createdAt: user.createdAt }, key: k.key, keyId: k.id };
  });
}
