import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Grid } from '../grid';
import { buildOpenApi, type RouteEntry } from '../openapi/document';
import { describeRoute } from '../openapi/registry';

/*
 * What the coordinator says about itself: liveness and its signing keys at the root, and under
 * /api/v1 its OpenAPI document (the kernels it schedules: routes/kernels.ts).
 */

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

/** `GET /api/v1/openapi.json`, built once from the finished app's route table. */
export function openapiRoutes(grid: Grid, routes: () => RouteEntry[]) {
  let doc: ReturnType<typeof buildOpenApi> | null = null;
  return new Hono()
    .get('/openapi.json',
      describeRoute({ summary: 'This document (OpenAPI 3.1)' }),
      (c) => {
        doc ??= buildOpenApi(routes(), { title: 'nfl-grid coordinator', version: '1', serverUrl: grid.config.publicUrl });
        return c.json(doc);
      });
}
