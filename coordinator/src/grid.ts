import type { JWK } from 'jose';
import type { AgentConfig, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { Bandit } from './bandit/bandit';
import type { CheckThread } from './checks/check-threads';
import type { CoordinatorConfig } from './config';
import type { Db } from './db/index';
import type { GridEvents } from './events';
import type { Metrics } from './ops/metrics';

/*
 * What the composition root (coordinator.ts) hands to routes, daemons and the gateway: the
 * contract only, no code, so that the rooms depend on it and not on the root that builds it.
 */

/** The coordinator's Ed25519 signing identity (private key in the data folder, public keys in the db). */
export interface HostCredential {
  hostId: string;
  ownerId: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  expired: boolean;
}

export interface CoordinatorKeys {
  readonly kid: string;
  signWork(hostId: string, items: WorkItem[]): Promise<string>;
  /** A host credential (JWT, sub = host id) given to an agent at enrollment. */
  issueHostCredential(hostId: string, ownerId: string): Promise<string>;
  /** Returns the host id, or throws Unauthorized (also when the credential has expired). */
  verifyHostCredential(token: string): Promise<{ hostId: string; ownerId: string }>;
  /**
   * For hello only, where the host also proves its key: a credential this coordinator signed,
   * expired or not, with its times (an expired one is then renewed). Throws Unauthorized.
   */
  readHostCredential(token: string): Promise<HostCredential>;
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
  /** This process's bandit scheduler (arms, rewards, caps, guardrails). */
  readonly bandit: Bandit;
  /** The thread that checks reported outputs whose kernel verifies them (re-scoring). */
  readonly checks: CheckThread;
  /** Prometheus metrics of this coordinator (ops/metrics.ts), served at /metrics. */
  readonly metrics: Metrics;
  /** New work exists: hand it to idle agents now (and tell other coordinators). */
  wakeScheduler(): void;
  /** Reported results are waiting: validate soon. */
  wakeValidator(): void;
  /** WUs were validated or failed: assimilate soon. */
  wakeAssimilator(): void;
}
