import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';

/*
 * Adapter from a work item's fetched, verified input bytes to the KernelData a kernel reads: the
 * item names each input by dataset name (`spreadspoke.games`, `teams.crosswalk`, …) and the
 * shared dataset registry parses the gzipped CSV on first use. Consecutive items of a batch share
 * their inputs and parsing is costly, so the last few KernelData objects are kept, keyed by the
 * item's (name, sha256) pairs. A dataset the kernel needs but the item did not send fails with
 * the registry's MissingDatasetError (code missing_dataset), reported as a kernel_error.
 */

type Inputs = WorkItem['inputs'];

export class KernelDataCache {
  private readonly entries = new Map<string, Promise<KernelData>>();

  constructor(private readonly capacity = 4) {}

  /** KernelData for these inputs, loading each input's bytes with `load` (which verifies them). */
  get(inputs: Inputs, load: (sha256: string) => Promise<Uint8Array>): Promise<KernelData> {
    const key = inputs.map((i) => `${i.name}=${i.sha256}`).sort().join(',');
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = (async () => {
      const bytes = await Promise.all(inputs.map(async (i) => [i.name, await load(i.sha256)] as const));
      return createKernelData(new Map(bytes));
    })();
    // A failed load is not remembered: the next item may succeed.
    p.catch(() => this.entries.get(key) === p && this.entries.delete(key));
    this.entries.set(key, p);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return p;
  }
}
