import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';

/** Liveness and the coordinator's public signing keys (agents verify work packets with them). */
export function systemRoutes(grid: Grid) {
  return new Hono()
    .get('/healthz',
      describeRoute({ summary: 'Liveness: the process is up and its database answers', responses: { 200: 'healthy', 503: 'the database does not answer' } }),
      async (c) => {
        try {
          await grid.db.rows(sql`SELECT 1`);
          return c.json({ ok: true as boolean, db: grid.db.kind }, 200);
        } catch (e) {
          grid.log.error('health check failed', { error: (e as Error).message });
          return c.json({ ok: false as boolean, db: grid.db.kind }, 503);
        }
      })
    .get('/.well-known/jwks.json',
      describeRoute({ summary: "The coordinators' Ed25519 public keys (JWKS)" }),
      async (c) => {
        c.header('cache-control', 'public, max-age=300');
        return c.json(await grid.keys.jwks());
      });
}
