import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { PublicKey } from '@nfl-grid/shared/signing/keys';

/** What the coordinator knows about one connected agent, after its hello. */
export interface AgentSession {
  hostId: string;
  ownerId: string;
  kernels: string[];
  gpu: boolean;
  memoryMb: number;
  benchmarkFlops: number;
  publicKey: PublicKey;
  paused: boolean;
  lastProgressWrite: number;
  send(msg: CoordinatorMessage): void;
  close(code: number, reason: string): void;
  readonly closed: boolean;
}
