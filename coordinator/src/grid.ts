import type { JWK } from 'jose';
import type { AgentConfig, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { CoordinatorConfig } from './config';
import type { Db } from './db/index';

/** The coordinator's Ed25519 signing identity (private key in the data folder, public keys in the db). */
export interface CoordinatorKeys {
  readonly kid: string;
  signWork(hostId: string, items: import('@nfl-grid/shared/protocol/work-packet').WorkItem[]): Promise<string>;
  /** A host credential (JWT, sub = host id) given to an agent at enrollment. */
  issueHostCredential(hostId: string, ownerId: string): Promise<string>;
  /** Returns the host id, or throws Unauthorized. */
  verifyHostCredential(token: string): Promise<{ hostId: string; ownerId: string }>;
  /** Every coordinator key that is not retired, for /.well-known/jwks.json. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/** Agents connected to this coordinator process. */
export interface AgentRegistry {
  isOnline(hostId: string): boolean;
  onlineHostIds(): string[];
  send(hostId: string, msg: CoordinatorMessage): boolean;
  /** Pushes a host's current config (intensity, paused) to it if it is connected here. */
  pushConfig(hostId: string, config: AgentConfig): boolean;
}

/** Things that happen, for the console's live feed and for tests. */
export interface GridEventMap {
  'batch.submitted': { batchId: string; wuCount: number };
  'batch.finished': { batchId: string; state: 'done' | 'cancelled' };
  'wu.validated': { wuIds: number[] };
  'wu.failed': { wuIds: number[]; reason: string };
  'host.changed': { hostId: string };
}

export interface GridEvents {
  emit<K extends keyof GridEventMap>(kind: K, data: GridEventMap[K]): void;
  on<K extends keyof GridEventMap>(kind: K, fn: (data: GridEventMap[K]) => void): () => void;
}

/** Content-addressed input files (the data sets kernels read), served to agents by sha256. */
export interface InputStore {
  /** sha256 and name of each named dataset, hashing the file on first use. */
  resolve(names: string[]): Promise<{ name: string; sha256: string }[]>;
  /** The file path of an input by hash, or null when unknown. */
  pathOf(sha256: string): string | null;
}

/** The composition root's parts, handed to routes and daemons. */
export interface Grid {
  readonly config: CoordinatorConfig;
  readonly db: Db;
  readonly log: Logger;
  readonly keys: CoordinatorKeys;
  readonly agents: AgentRegistry;
  readonly events: GridEvents;
  readonly inputs: InputStore;
  /** New work exists: hand it to idle agents now (and tell other coordinators). */
  wakeScheduler(): void;
  /** Reported results are waiting: validate soon. */
  wakeValidator(): void;
}
