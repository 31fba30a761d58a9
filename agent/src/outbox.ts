import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/util/log';
import { describe } from './errors';

/*
 * The on-disk queue of finished results, `<data-dir>/outbox/<replicaId>.json`, one file per
 * replica, written atomically (temp file, fsync, rename). A result lives here from the moment its
 * kernel finishes until the coordinator acknowledges (or rejects) it, so nothing computed is lost
 * when the connection drops or the agent restarts. Entries hold the unsigned ResultItem; the
 * reporter signs a packet of them each time it sends, so results left from an earlier run are
 * batched and sent again with a fresh signature after reconnecting.
 */

export const OutboxEntry = z.object({
  v: z.literal(1),
  /** The host that computed it; entries of another identity are never sent. */
  hostId: z.string(),
  finishedAt: z.string(),
  result: ResultItem,
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

const NAME = /^([1-9][0-9]*)\.json$/;

export class Outbox {
  private constructor(readonly dir: string, private readonly entries: Map<number, OutboxEntry>) {}

  /** Opens (creating) the folder and loads every valid entry; damaged files are set aside. */
  static async open(dir: string, log: Logger): Promise<Outbox> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const entries = new Map<number, OutboxEntry>();
    for (const name of (await readdir(dir)).sort()) {
      const file = join(dir, name);
      if (name.endsWith('.tmp')) {
        await rm(file, { force: true });
        continue;
      }
      const m = NAME.exec(name);
      if (!m) continue;
      try {
        const entry = OutboxEntry.parse(JSON.parse(await readFile(file, 'utf8')));
        if (entry.result.replicaId !== Number(m[1])) throw new Error(`holds replica ${entry.result.replicaId}`);
        entries.set(entry.result.replicaId, entry);
      } catch (e) {
        log.warn(`outbox entry ${name} is damaged, set aside as ${name}.bad`, { error: describe(e) });
        await rename(file, `${file}.bad`).catch(() => undefined);
      }
    }
    return new Outbox(dir, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  has(replicaId: number): boolean {
    return this.entries.has(replicaId);
  }

  replicaIds(): number[] {
    return [...this.entries.keys()];
  }

  /** Entries, oldest first. */
  list(): OutboxEntry[] {
    return [...this.entries.values()].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.result.replicaId - b.result.replicaId);
  }

  /** Stores a finished result durably before anything is sent. */
  async put(hostId: string, result: ResultItem): Promise<OutboxEntry> {
    const entry: OutboxEntry = { v: 1, hostId, finishedAt: new Date().toISOString(), result: ResultItem.parse(result) };
    const file = join(this.dir, `${result.replicaId}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(entry));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    this.entries.set(result.replicaId, entry);
    return entry;
  }

  /** Forgets entries (acknowledged, rejected or dropped by the coordinator). */
  async remove(replicaIds: Iterable<number>): Promise<number[]> {
    // Out of the index at once, so a concurrent list() never offers them again; then off the disk.
    const removed = [...new Set(replicaIds)].filter((id) => this.entries.delete(id));
    for (const id of removed) await rm(join(this.dir, `${id}.json`), { force: true });
    return removed;
  }
}
