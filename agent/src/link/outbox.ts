import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { writeFileAtomic } from '../disk/atomic-file';
import { loadReplicaFiles } from '../disk/replica-files';

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


export class Outbox {
  private constructor(readonly dir: string, private readonly entries: Map<number, OutboxEntry>) {}

  /** Opens (creating) the folder and loads every valid entry; damaged files are set aside. */
  static async open(dir: string, log: Logger): Promise<Outbox> {
    return new Outbox(dir, await loadReplicaFiles(dir, OutboxEntry, (e) => e.result.replicaId, 'outbox entry', log));
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
    await writeFileAtomic(join(this.dir, `${result.replicaId}.json`), JSON.stringify(entry));
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
