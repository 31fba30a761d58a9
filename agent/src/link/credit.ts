import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { writeFileAtomic } from '../disk/atomic-file';

/*
 * This host's credit as the agent knows it, kept in `credit.json`:
 *  - claimed: results the coordinator accepted and the credit their cost estimates are worth
 *    (one cobblestone is 1/200 of a day of a 1 GFLOPS machine, as BOINC and
 *    coordinator/src/credit define it);
 *  - granted: what validation decided, as the coordinator's `credit` messages tell it (valid
 *    results with the credit granted, invalid ones with none). The coordinator's ledger is the
 *    record; a message missed while offline is not sent again.
 */

export const COBBLESTONES_PER_FLOP = 200 / (86400 * 1e9);
const FILE = 'credit.json';

export class CreditTally {
  accepted = 0;
  claimed = 0;
  granted = 0;
  valid = 0;
  invalid = 0;
  private readonly estimates = new Map<number, number>();
  private saving: Promise<void> | null = null;
  private dirty = false;

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<CreditTally> {
    const t = new CreditTally(dataDir);
    try {
      const saved = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Record<string, unknown>;
      for (const k of ['accepted', 'claimed', 'granted', 'valid', 'invalid'] as const) {
        const v = saved[k];
        if (typeof v === 'number' && Number.isFinite(v) && v >= 0) t[k] = v;
      }
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

  /** Validation outcomes from the coordinator. */
  onVerdicts(results: { valid: boolean; granted: number }[]): void {
    for (const r of results) {
      if (r.valid) {
        this.valid++;
        this.granted += r.granted;
      } else {
        this.invalid++;
      }
    }
    void this.save();
  }

  /** Writes the newest state; saves never overlap, so an older one cannot land last. */
  save(): Promise<void> {
    this.dirty = true;
    this.saving ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        const body = {
          accepted: this.accepted, claimed: this.claimed, granted: this.granted, valid: this.valid, invalid: this.invalid,
          estimates: Object.fromEntries(this.estimates),
        };
        await writeFileAtomic(join(this.dataDir, FILE), JSON.stringify(body), { durable: false }).catch(() => undefined);
      }
      this.saving = null;
    })();
    return this.saving;
  }
}
