import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { Hono } from 'hono';
import type { CreatedKey, CreatedUser, KeyList, SessionAnswer, UserList } from '@nfl-grid/shared/api/console-types';
import { CreateKeyBody, CreateUserBody } from '@nfl-grid/shared/api/users';
import { canSee, requireAuth } from '../auth/access';
import { createUserWithKey, insertApiKey, revokeApiKey } from '../auth/api-keys';
import { apiKeys, users } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
import { zv } from './http/validate';
import { idParam } from './http/id-param';

/** Users and their API keys (admin), and `GET /me` for anyone. */
export function usersRoutes(grid: Grid) {
  const admin = requireAuth(grid, ['admin']);
  return new Hono()
    .post('/users',
      describeRoute({ summary: 'Create a user with a first API key', responses: { 201: 'The user and the API key (shown only this once)' } }),
      admin, zv('json', CreateUserBody),
      async (c) => {
        const { user, key, keyId } = await createUserWithKey(grid.db, c.req.valid('json'));
        await recordEvent(grid.db, 'user.created', user.id, c.get('user').id, { name: user.name, role: user.role });
        return c.json({ user, apiKey: key, keyId } satisfies CreatedUser, 201);
      })
    .get('/users',
      describeRoute({ summary: 'List users with their number of live API keys' }),
      admin,
      async (c) => {
        const rows = await grid.db.orm.select({ id: users.id, name: users.name, role: users.role, team: users.team, createdAt: users.createdAt, keys: count(apiKeys.id) })
          .from(users).leftJoin(apiKeys, and(eq(apiKeys.userId, users.id), isNull(apiKeys.revokedAt)))
          .groupBy(users.id).orderBy(asc(users.name));
        return c.json({ users: rows.map((r) => ({ ...r, keys: Number(r.keys) })) } satisfies UserList);
      })
    .get('/users/:id/keys',
      describeRoute({ summary: "List a user's API keys (prefixes only)" }),
      admin, idParam(grid, 'users'),
      async (c) => {
        const { id } = c.req.valid('param');
        const [u] = await grid.db.orm.select({ id: users.id }).from(users).where(eq(users.id, id));
        if (!u) throw new NotFound('user', 'id');
        const keys = await grid.db.orm.select({ id: apiKeys.id, prefix: apiKeys.prefix, label: apiKeys.label, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
          .from(apiKeys).where(eq(apiKeys.userId, id)).orderBy(asc(apiKeys.createdAt));
        return c.json({ keys } satisfies KeyList);
      })
    .post('/users/:id/keys',
      describeRoute({ summary: 'Make another API key for a user', responses: { 201: 'The new key (shown only this once)' } }),
      admin, idParam(grid, 'users'), zv('json', CreateKeyBody),
      async (c) => {
        const { id } = c.req.valid('param');
        const [u] = await grid.db.orm.select({ id: users.id }).from(users).where(eq(users.id, id));
        if (!u) throw new NotFound('user', 'id');
        const k = await insertApiKey(grid.db, id, c.req.valid('json').label);
        await recordEvent(grid.db, 'key.created', k.id, c.get('user').id, { userId: id, prefix: k.prefix });
        return c.json({ id: k.id, userId: id, apiKey: k.key, prefix: k.prefix } satisfies CreatedKey, 201);
      })
    .get('/me',
      describeRoute({ summary: 'The user this API key belongs to' }),
      requireAuth(grid),
      (c) => c.json({ user: c.get('user') } satisfies SessionAnswer));
}

export function keysRoutes(grid: Grid) {
  return new Hono()
    .delete('/keys/:id',
      describeRoute({ summary: 'Revoke an API key (admins: any key; others: their own)' }),
      requireAuth(grid), idParam(grid, 'api_keys'),
      async (c) => {
        const { id } = c.req.valid('param');
        const me = c.get('user');
        const [key] = await grid.db.orm.select({ userId: apiKeys.userId }).from(apiKeys).where(eq(apiKeys.id, id));
        if (!key || !canSee(me, key.userId)) throw new NotFound('API key', 'id');
        const revoked = await revokeApiKey(grid.db, id);
        if (revoked) await recordEvent(grid.db, 'key.revoked', id, me.id, { userId: key.userId });
        return c.json({ id, revoked: true, alreadyRevoked: !revoked });
      });
}
