import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { Grid } from '../grid';

/** Between coordinators on one database: messages for agents connected elsewhere. */
export const RELAY_CHANNEL = 'nfl_grid_relay';
/** Between coordinators: new work was submitted (once per batch, never per WU). */
export const WORK_CHANNEL = 'nfl_grid_work';

// NOTIFY payloads are limited to 8000 bytes; long id lists are split.
const MAX_IDS_PER_NOTIFY = 500;

/** Sends to the host if it is connected here, else asks the other coordinators to. */
export async function relayToHost(grid: Grid, hostId: string, msg: CoordinatorMessage): Promise<void> {
  if (grid.agents.send(hostId, msg)) return;
  if (grid.db.kind !== 'postgres') return;
  if (msg.type === 'cancel' && msg.replicaIds.length > MAX_IDS_PER_NOTIFY) {
    for (let i = 0; i < msg.replicaIds.length; i += MAX_IDS_PER_NOTIFY) {
      await grid.db.notify(RELAY_CHANNEL, JSON.stringify({ hostId, msg: { ...msg, replicaIds: msg.replicaIds.slice(i, i + MAX_IDS_PER_NOTIFY) } }));
    }
    return;
  }
  await grid.db.notify(RELAY_CHANNEL, JSON.stringify({ hostId, msg }));
}
