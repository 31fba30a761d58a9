import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { BadRequest, NotFound } from '../../errors';
import type { Grid } from '../../grid';
import { annotate } from '../../openapi/registry';
import { badRequestFromZod } from './validate';

/** Tables whose uuid ids a caller may shorten, with what a row is called in errors. */
const TABLES = { batches: 'batch', hosts: 'host', users: 'user', api_keys: 'API key', models: 'model', performance_follow_ups: 'follow-up' } as const;
export type IdTable = keyof typeof TABLES;

const MIN_PREFIX = 4;

/** A full uuid, or (as git takes object ids) its first hex digits, at least four. */
export const IdOrPrefixParam = z.strictObject({
  id: z.union([z.uuid(), z.string().regex(/^[0-9a-fA-F]{4}[0-9a-fA-F-]{0,31}$/, `expected a uuid or its first ${MIN_PREFIX} or more hex digits`)]),
});

/**
 * Checks the `:id` path parameter and resolves a short prefix to the one id it starts, so
 * handlers read a full uuid from `c.req.valid('param').id`. A prefix two ids share is a 400
 * `ambiguous_id` (give more digits); one no id starts is the route's 404. The lookup is not
 * scoped to the caller: handlers still refuse ids the caller may not see, and an ambiguity
 * names no ids.
 */
export function idParam(grid: Grid, table: IdTable): MiddlewareHandler<any, string, { in: { param: { id: string } }; out: { param: { id: string } } }> {
  return annotate(async function resolveIdParam(c, next) {
    const parsed = IdOrPrefixParam.safeParse(c.req.param());
    if (!parsed.success) throw badRequestFromZod(parsed.error, 'param');
    let id = parsed.data.id.toLowerCase();
    if (!z.uuid().safeParse(id).success) {
      const rows = await grid.db.rows<{ id: string }>(sql`
        SELECT id::text AS id FROM ${sql.identifier(table)} WHERE id::text LIKE ${`${id}%`} ORDER BY id LIMIT 2`);
      if (rows.length === 0) throw new NotFound(`${TABLES[table]} ${id}`, 'id');
      if (rows.length > 1) throw new BadRequest(`more than one ${TABLES[table]} id starts with ${id}: give more digits`, 'id', 'ambiguous_id');
      id = rows[0]!.id;
    }
    c.req.addValidatedData('param', { id });
    await next();
  }, { inputs: [{ target: 'param', schema: IdOrPrefixParam }] });
}
