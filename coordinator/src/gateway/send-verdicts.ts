import type { Grid } from '../grid';
import { relayToHost } from './relay';
import type { Verdict } from '../queue/record-verdicts';

/** Results per message: keeps a relayed one well inside a NOTIFY payload (8000 bytes). */
const PER_MESSAGE = 100;

/**
 * Tells each host how its results fared (valid with the credit granted, or invalid), wherever it
 * is connected. Best effort: the ledger is the record, and an offline host simply misses it.
 */
export async function sendVerdicts(grid: Grid, verdicts: Verdict[]): Promise<void> {
  const byHost = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    let list = byHost.get(v.hostId);
    if (!list) byHost.set(v.hostId, (list = []));
    list.push(v);
  }
  for (const [hostId, list] of byHost) {
    for (let i = 0; i < list.length; i += PER_MESSAGE) {
      const results = list.slice(i, i + PER_MESSAGE).map((v) => ({ replicaId: v.replicaId, valid: v.valid, granted: v.granted }));
      await relayToHost(grid, hostId, { type: 'credit', results }).catch((e) => grid.log.component('gateway').warn('could not tell a host its credit', { host: hostId, error: e as Error }));
    }
  }
}
