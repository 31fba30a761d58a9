import { recordEvent } from '../auth/audit-log';
import { Conflict } from '../errors';
import type { Grid } from '../grid';
import type { AgentConnection } from './agent-registry';

/*
 * A proven hello for a host that already has a live connection here. The old connection is
 * challenged to sign a fresh nonce: one that answers still holds the key, so two agents share
 * one host key (a copied data folder, or a stolen key) and the newcomer is refused while the
 * admin is told; one that stays silent is a dead socket (the agent reconnected after a network
 * break) and gives way.
 */
export async function settleSecondConnection(grid: Grid, old: AgentConnection | undefined): Promise<void> {
  if (!old) return;
  const hostId = old.hostId;
  if (await old.challenge(grid.config.hostAuth.liveCheckTimeoutMs)) {
    const reason = 'a second agent proved this host\'s key while the first still answers: two agents share one host key';
    grid.log.component('gateway').warn('second connection refused', { host: hostId });
    await recordEvent(grid.db, 'host.second_connection', hostId, null, { outcome: 'refused', reason });
    grid.events.emit('host.changed', { hostId });
    throw new Conflict(`${reason}; the newer connection is refused`, 'host_already_connected');
  }
  grid.log.component('gateway').info('a silent connection was replaced by a newer one', { host: hostId });
  await recordEvent(grid.db, 'host.second_connection', hostId, null, { outcome: 'replaced', reason: 'the older connection did not answer the key challenge' });
  old.close(4000, 'replaced by a newer connection');
}
