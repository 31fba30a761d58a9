import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { JWK } from 'jose';
import { CreateEnrollmentTokenBody, EnrollHostBody } from '@nfl-grid/shared/api/enrollment';
import { importPublic } from '@nfl-grid/shared/signing/keys';
import type { CreatedEnrollmentToken } from '@nfl-grid/shared/api/console-types';
import { consumeEnrollmentToken, createEnrollmentToken } from '../auth/host-credentials';
import { requireAuth } from '../auth/access';
import { hosts, users } from '../db/schema/index';
import { BadRequest, Forbidden, NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
import { zv } from './http/validate';

/** Volunteers mint enrollment tokens; agents trade one (and their public key) for a host credential. */
export function enrollmentRoutes(grid: Grid) {
  return new Hono()
    .post('/enrollment-tokens',
      describeRoute({ summary: 'Mint an enrollment token for your agents (admins: for any user)', responses: { 201: 'The token (shown only this once) and when it expires' } }),
      requireAuth(grid), zv('json', CreateEnrollmentTokenBody),
      async (c) => {
        const body = c.req.valid('json');
        const me = c.get('user');
        const userId = body.userId ?? me.id;
        if (userId !== me.id) {
          if (me.role !== 'admin') throw new Forbidden('only an admin may mint tokens for another user');
          const [u] = await grid.db.orm.select({ id: users.id }).from(users).where(eq(users.id, userId));
          if (!u) throw new NotFound('user', 'userId');
        }
        const t = await createEnrollmentToken(grid.db, userId, { ttlHours: body.ttlHours, uses: body.uses });
        await recordEvent(grid.db, 'enrollment_token.created', t.id, me.id, { userId, uses: t.uses, expiresAt: t.expiresAt.toISOString() });
        return c.json({ token: t.token, expiresAt: t.expiresAt, uses: t.uses, userId } satisfies CreatedEnrollmentToken, 201);
      })
    .post('/hosts/enroll',
      describeRoute({
        summary: 'Enroll a host: trade an enrollment token and the host public key for a host credential',
        responses: { 201: 'The host id, its owner and its credential (a JWT for the agent websocket)' },
        auth: { kind: 'enrollment-token' },
      }),
      zv('json', EnrollHostBody),
      async (c) => {
        const body = c.req.valid('json');
        const publicKey: JWK = { kty: 'OKP', crv: 'Ed25519', x: body.publicKey.x };
        try {
          await importPublic(publicKey);
        } catch (e) {
          throw new BadRequest(`publicKey: ${(e as Error).message}`, 'publicKey', 'bad_public_key');
        }
        const host = await grid.db.transaction(async (tx) => {
          const { userId } = await consumeEnrollmentToken(tx, body.token);
          const [row] = await tx.orm.insert(hosts).values({
            ownerId: userId, name: body.name, publicKey, hardware: body.hardware,
            gpu: body.hardware.gpus.length > 0, memoryMb: body.hardware.memoryMb,
          }).returning({ id: hosts.id, ownerId: hosts.ownerId });
          await recordEvent(tx, 'host.enrolled', row!.id, userId, { name: body.name, gpu: body.hardware.gpus.length > 0 });
          return row!;
        });
        const credential = await grid.keys.issueHostCredential(host.id, host.ownerId);
        grid.events.emit('host.changed', { hostId: host.id });
        return c.json({ hostId: host.id, ownerId: host.ownerId, credential }, 201);
      });
}
