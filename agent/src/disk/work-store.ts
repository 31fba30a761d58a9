import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { writeFileAtomic } from './atomic-file';
import { loadReplicaFiles } from './replica-files';

/*
 * Work in hand on disk, `<data-dir>/work/<replicaId>.json`: every item of a verified packet is kept
 * from the moment it is accepted until it is finished (its result is in the outbox), failed,
 * cancelled or dropped by the coordinator. After a restart (or kill -9) the agent queues these
 * again, names them in `hello.holding`, and resumes each from its checkpoint. The packet's
 * signature was checked when it arrived; the folder is the owner's only (mode 0700/0600).
 */

export const StoredWork = z.object({
  v: z.literal(1),
  hostId: z.string(),
  receivedAt: z.string(),
  item: WorkItem,
});
export type StoredWork = z.infer<typeof StoredWork>;


export class WorkStore {
  private constructor(readonly dir: string, private readonly entries: Map<number, StoredWork>) {}

  /** Opens (creating) the folder and loads every valid entry; damaged files are set aside. */
  static async open(dir: string, log: Logger): Promise<WorkStore> {
    return new WorkStore(dir, await loadReplicaFiles(dir, StoredWork, (e) => e.item.replicaId, 'work file', log));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries in the order they arrived. */
  list(): StoredWork[] {
    return [...this.entries.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.item.replicaId - b.item.replicaId);
  }

  async put(hostId: string, items: WorkItem[]): Promise<void> {
    const receivedAt = new Date().toISOString();
    for (const item of items) {
      const entry: StoredWork = { v: 1, hostId, receivedAt, item };
      await writeFileAtomic(join(this.dir, `${item.replicaId}.json`), JSON.stringify(entry));
      this.entries.set(item.replicaId, entry);
    }
  }

  async remove(replicaIds: Iterable<number>): Promise<number[]> {
    const removed = [...new Set(replicaIds)].filter((id) => this.entries.delete(id));
    for (const id of removed) await rm(join(this.dir, `${id}.json`), { force: true });
    return removed;
  }
}
