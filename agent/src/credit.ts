import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { writeFileAtomic } from './atomic-file';

/*
 * The credit this host has claimed, as far as the agent can tell: the coordinator grants credit
 * only after validation and does not tell agents, so the agent counts results the coordinator
 * accepted and the credit their cost estimates are worth (one cobblestone is 1/200 of a day of a
 * 1 GFLOPS machine, as BOINC and coordinator/src/credit define it). Kept in `credit.json`.
 */

export const COBBLESTONES_PER_FLOP = 200 / (86400 * 1e9);
const FILE = 'credit.json';

export class CreditTally {
  accepted = 0;
  claimed = 0;
  private readonly estimates = new Map<number, number>();
  private saving: Promise<void> | null = null;
  private dirty = false;

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<CreditTally> {
    const t = new CreditTally(dataDir);
    try {
      const saved = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as { accepted?: unknown; claimed?: unknown; estimates?: unknown };
      if (typeof saved.accepted === 'number') t.accepted = saved.accepted;
      if (typeof saved.claimed === 'number') t.claimed = saved.claimed;
      if (saved.estimates && typeof saved.estimates === 'object') {
        for (const [k, v] of Object.entries(saved.estimates)) if (typeof v === 'number') t.estimates.set(Number(k), v);
      }
    } catch {
      // First run, or an unreadable file: start from zero.
    }
    return t;
  }

  /** A result went into the outbox: remember what it is worth until it is acknowledged. */
  onFinished(item: WorkItem): void {
    this.estimates.set(item.replicaId, item.costEstimate);
    void this.save();
  }

  /** The coordinator acknowledged results (accepted ones count; rejected ones are forgotten). */
  onAck(accepted: number[], rejected: number[]): void {
    for (const id of accepted) {
      this.accepted++;
      this.claimed += (this.estimates.get(id) ?? 0) * COBBLESTONES_PER_FLOP;
      this.estimates.delete(id);
    }
    for (const id of rejected) this.estimates.delete(id);
    void this.save();
  }

  /** Writes the newest state; saves never overlap, so an older one cannot land last. */
  save(): Promise<void> {
    this.dirty = true;
    this.saving ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        const body = { accepted: this.accepted, claimed: this.claimed, estimates: Object.fromEntries(this.estimates) };
        await writeFileAtomic(join(this.dataDir, FILE), JSON.stringify(body), { durable: false }).catch(() => undefined);
      }
      this.saving = null;
    })();
    return this.saving;
  }
}
