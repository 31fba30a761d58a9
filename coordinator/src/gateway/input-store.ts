import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { BadRequest } from '../errors';
import type { InputStore } from '../grid';

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Inputs are the data sets under the data folder, addressed by the sha256 of their bytes. Each
 * file is hashed once per process and recorded in `inputs`, so WUs name exact bytes.
 */
export function createInputStore(db: Db, dataDir: string, fileOf: (name: string) => string | undefined): InputStore {
  const byName = new Map<string, Promise<{ name: string; sha256: string }>>();
  const pathBySha = new Map<string, string>();
  const resolveOne = (name: string) => {
    let p = byName.get(name);
    if (!p) {
      p = (async () => {
        const rel = fileOf(name);
        const path = rel ? join(dataDir, rel) : '';
        if (!rel || !existsSync(path)) throw new BadRequest(`unknown or missing dataset ${name}`, 'kernel', 'missing_input');
        const sha256 = await hashFile(path);
        pathBySha.set(sha256, path);
        await db.rows(sql`INSERT INTO inputs (sha256, name, bytes) VALUES (${sha256}, ${name}, ${statSync(path).size}) ON CONFLICT DO NOTHING`);
        return { name, sha256 };
      })();
      p.catch(() => byName.delete(name));
      byName.set(name, p);
    }
    return p;
  };
  return {
    resolve: (names) => Promise.all(names.map(resolveOne)),
    pathOf: (sha256) => pathBySha.get(sha256) ?? null,
  };
}
