import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { Sha256Hex } from '@nfl-grid/shared/protocol/refs';
import { requireHostOrKey } from '../auth/access';
import { inputs } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const ShaParam = z.object({ sha256: Sha256Hex });

/**
 * The file of an input, found by hash. A hash this process has not hashed yet (the batch came
 * through another coordinator) is looked up by name in `inputs` and resolved, which hashes it.
 */
async function pathOfInput(grid: Grid, sha256: string): Promise<string | null> {
  const known = grid.inputs.pathOf(sha256);
  if (known) return known;
  const [row] = await grid.db.orm.select({ name: inputs.name }).from(inputs).where(eq(inputs.sha256, sha256)).limit(1);
  if (!row) return null;
  try {
    await grid.inputs.resolve([row.name]);
  } catch {
    return null;
  }
  return grid.inputs.pathOf(sha256);
}

export function inputsRoutes(grid: Grid) {
  return new Hono()
    .get('/inputs/:sha256',
      describeRoute({ summary: 'Download an input file by its sha256 (agents verify the hash)', produces: ['application/octet-stream'] }),
      requireHostOrKey(grid), zv('param', ShaParam),
      async (c) => {
        const { sha256 } = c.req.valid('param');
        const path = await pathOfInput(grid, sha256);
        if (!path) throw new NotFound('input', 'sha256');
        const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream;
        return c.body(body, 200, {
          'content-type': 'application/octet-stream',
          'content-length': String(statSync(path).size),
          etag: `"${sha256}"`,
          'cache-control': 'public, max-age=31536000, immutable',
        });
      });
}
