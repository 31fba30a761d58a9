import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { describe } from '../errors';

const NAME = /^([1-9]\d*)\.json$/;

/**
 * Loads a folder of `<replicaId>.json` files (the outbox, work in hand): creates it (mode 0700),
 * drops leftover temp files, and sets aside as `.bad` any file that does not parse or names
 * another replica than its file name.
 */
export async function loadReplicaFiles<T>(
  dir: string, schema: z.ZodType<T>, replicaOf: (entry: T) => number, what: string, log: Logger,
): Promise<Map<number, T>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries = new Map<number, T>();
  for (const name of (await readdir(dir)).sort()) {
    const file = join(dir, name);
    if (name.endsWith('.tmp')) {
      await rm(file, { force: true });
      continue;
    }
    const m = NAME.exec(name);
    if (!m) continue;
    try {
      const entry = schema.parse(JSON.parse(await readFile(file, 'utf8')));
      if (replicaOf(entry) !== Number(m[1])) throw new Error(`holds replica ${replicaOf(entry)}`);
      entries.set(replicaOf(entry), entry);
    } catch (e) {
      log.warn(`${what} ${name} is damaged, set aside as ${name}.bad`, { error: describe(e) });
      await rename(file, `${file}.bad`).catch(() => undefined);
    }
  }
  return entries;
}
