import type { AgentConfig, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { AgentRegistry } from '../grid';

/** What the gateway keeps per connected agent. */
export interface AgentConnection {
  hostId: string;
  ownerId: string;
  send(msg: CoordinatorMessage): void;
  close(code: number, reason: string): void;
  /** Asks the agent to sign a fresh nonce; true when it answered in time (second-connection.ts). */
  challenge(timeoutMs: number): Promise<boolean>;
}

export interface LocalAgentRegistry extends AgentRegistry {
  add(conn: AgentConnection): void;
  remove(conn: AgentConnection): void;
  get(hostId: string): AgentConnection | undefined;
}

export function createAgentRegistry(): LocalAgentRegistry {
  const conns = new Map<string, AgentConnection>();
  return {
    add(conn) {
      // The gateway settles a second connection before this (second-connection.ts); two hellos
      // that both proved the key at the same moment still leave only the newer one.
      const old = conns.get(conn.hostId);
      if (old && old !== conn) old.close(4000, 'replaced by a newer connection');
      conns.set(conn.hostId, conn);
    },
    remove(conn) {
      if (conns.get(conn.hostId) === conn) conns.delete(conn.hostId);
    },
    get: (hostId) => conns.get(hostId),
    isOnline: (hostId) => conns.has(hostId),
    onlineHostIds: () => [...conns.keys()],
    send(hostId, msg) {
      const c = conns.get(hostId);
      if (!c) return false;
      c.send(msg);
      return true;
    },
    pushConfig(hostId: string, config: AgentConfig) {
      const c = conns.get(hostId);
      if (!c) return false;
      c.send({ type: 'config', config });
      return true;
    },
  };
}
