import { availableParallelism } from 'node:os';
import { LogLevelError, parseLogLevels, type LogLevels } from '@nfl-grid/shared/logging/log-levels';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '@nfl-grid/shared/data/local';

/** Everything a coordinator process needs, resolved once in main.ts and passed down. */
export interface CoordinatorConfig {
  host: string;
  port: number;
  dataDir: string;
  /** postgres:// URL, or null for the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  /** Where agents and the CLI reach this coordinator (used in logs and enrollment replies). */
  publicUrl: string;
  /** Shared data folder with the gzipped input sets. */
  inputsDir: string;
  work: {
    /** Lifetime of a signed work packet, seconds (it also bounds how long an agent may start late). */
    packetTtlSeconds: number;
    /** Most replicas handed out in one packet. */
    maxPacket: number;
    /** How long an agent waits before asking again when there is no work. */
    noWorkRetryMs: number;
    /** Claims this process runs in the database at once (see daemons/claim-gate.ts). */
    concurrentClaims: number;
    /**
     * A replica claimed this long ago whose packet never went out (the coordinator died between
     * claim and send) is released by the transitioner (queue/release-unheld.ts).
     */
    undeliveredGraceMs: number;
    /**
     * How long a replica stays with a host whose agent stopped and said it would come back
     * (`suspend`) before it is handed on, in seconds (NFL_GRID_SUSPEND_GRACE, default 3600); never
     * past the replica's deadline.
     */
    suspendGraceSeconds: number;
    /**
     * Lowest agent version given each kernel's work, by kernel name or name@version
     * (NFL_GRID_MIN_AGENT_VERSIONS=`mc.season=0.2.0,bench.hash@1=0.1.5`); older agents are told to update.
     */
    minAgentVersion: Record<string, string>;
    /**
     * Per-host quotas (BOINC's max_wus_in_progress and daily result quota): replicas in progress
     * per core, and replicas sent per core in any 24 hours, scaled by the host's quota_scale, which
     * halves on each error and doubles on each valid result (credit/host-reliability.ts).
     */
    quota: { inProgressPerCore: number; dailyPerCore: number };
  };
  hostAuth: {
    /** Lifetime of a host credential; a welcome hands a fresh one once it is past half of it. */
    credentialTtlSeconds: number;
    /** How long a host's live connection has to answer a `challenge` before a newer one replaces it. */
    liveCheckTimeoutMs: number;
  };
  reliability: {
    /** Consecutive valid results before a host gets unreplicated work. */
    trustStreak: number;
    /** Highest error rate of a trusted host. */
    trustMaxErrorRate: number;
    /** Share of a trusted host's WUs still replicated as spot checks. */
    spotCheckRate: number;
    /** Solo (unreplicated) WUs a trusted host may hold in flight per core; beyond that its claims are replicated. */
    maxSoloPerCore: number;
    /** How far back a caught host's quorums are re-opened (its solo WUs are re-opened whatever their age). */
    reexamineWindowDays: number;
  };
  collusion: {
    /** A host pair is flagged once its shared output has lost against others this many times... */
    pairFlagAfter: number;
    /** ...and at least this share of its disputes were lost (credit/agreement-pairs.ts). */
    pairFlagShare: number;
    /** Seconds a WU waits for a trusted host before any host may take it (queue/quorum-mix.ts). */
    trustedWaitSeconds: number;
  };
  daemons: {
    transitionerIntervalMs: number;
    validatorIntervalMs: number;
    assimilatorIntervalMs: number;
    /** A host with no message for this long is marked offline. */
    hostOfflineMs: number;
  };
  agentDefaults: { checkpointIntervalSeconds: number; progressIntervalSeconds: number };
  combine: {
    /** Worker threads one merge of a batch's results (GET /batches/:id/combined) may use. */
    threads: number;
  };
  /**
   * HMAC key of console sessions (NFL_GRID_SESSION_SECRET, base64url, at least 32 bytes), for
   * several coordinators behind one address; null: `<dataDir>/session-secret`, made on first use.
   */
  sessionSecret: Uint8Array | null;
  /** NFL_GRID_LOG_LEVEL, checked: the default level and per-component levels (shared/src/logging/log-levels.ts). */
  logLevels: LogLevels;
  /** What a host may claim for its work (see queue/report-results.ts). */
  claims: {
    /**
     * Most CPU seconds a result may claim, as a multiple of the WU's estimate on the host's
     * benchmark (cost estimate / benchmark FLOPS); wall time since dispatch x cores bounds it too.
     */
    cpuEstimateMultiple: number;
  };
  /** Limits of the HTTP server against slow or oversized requests. */
  http: {
    /** Largest request body of an authenticated caller (a batch of 100k explicit units fits). */
    maxBodyBytes: number;
    /**
     * Largest request body read before the caller is known (signing in, enrolling a host), and
     * most bytes an agent connection may send before its hello is accepted.
     */
    anonymousBodyBytes: number;
    /** A request (headers and body) must arrive within this, or its socket is closed. */
    requestTimeoutMs: number;
    /** The headers must arrive within this. */
    headersTimeoutMs: number;
    /** An idle kept-alive connection is closed after this. */
    keepAliveTimeoutMs: number;
    /** Failed authentications (401) allowed per window, per address and per key prefix, before 429. */
    authFailures: { windowMs: number; perAddress: number; perKeyPrefix: number };
  };
  ops: {
    /** Bearer token that lets a scraper off this machine read /metrics (NFL_GRID_METRICS_TOKEN); null: loopback and admin keys only. */
    metricsToken: string | null;
    /** How often the public statistics export (/stats/*.json.gz) is rebuilt. */
    statsIntervalMs: number;
  };
}

export class ConfigError extends Error {
  readonly code = 'bad_config';
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function checkedLogLevels(v: string | undefined): LogLevels {
  try {
    return parseLogLevels(v);
  } catch (e) {
    if (e instanceof LogLevelError) throw new ConfigError('NFL_GRID_LOG_LEVEL', e.message);
    throw e;
  }
}

function parseSessionSecret(v: string | undefined): Uint8Array | null {
  if (v === undefined || v.trim() === '') return null;
  const text = v.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new ConfigError('NFL_GRID_SESSION_SECRET', 'expected base64url text (A–Z, a–z, 0–9, - and _)');
  const key = new Uint8Array(Buffer.from(text, 'base64url'));
  if (key.length < 32) throw new ConfigError('NFL_GRID_SESSION_SECRET', `holds ${key.length} bytes; at least 32 are needed (openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')`);
  return key;
}

function parseMinVersions(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9_.]+(?:@\d+)?)=(\d+(?:\.\d+)*)$/.exec(item);
    if (!m) throw new ConfigError('NFL_GRID_MIN_AGENT_VERSIONS', `expected kernel=version items (mc.season=0.2.0), got "${item}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  databaseUrl?: string | null;
}

/** A result may claim at most this many times its WU's estimate on the host (config claims.cpuEstimateMultiple). */
export const DEFAULT_CPU_ESTIMATE_MULTIPLE = 10;

const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));

export function resolveCoordinatorConfig(o: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CoordinatorConfig {
  const host = o.host ?? env.NFL_GRID_HOST ?? '127.0.0.1';
  const port = o.port ?? num(env.NFL_GRID_PORT, 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${port}`);
  const dataDir = resolve(o.dataDir ?? env.NFL_GRID_DATA_DIR ?? '.nfl-grid');
  const databaseUrl = o.databaseUrl !== undefined ? o.databaseUrl : (env.DATABASE_URL || null);
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    publicUrl: env.NFL_GRID_PUBLIC_URL ?? `http://${host}:${port}`,
    inputsDir: resolve(env.NFL_GRID_INPUTS_DIR ?? DEFAULT_DATA_DIR),
    work: {
      packetTtlSeconds: num(env.NFL_GRID_PACKET_TTL, 600),
      maxPacket: num(env.NFL_GRID_MAX_PACKET, 200),
      noWorkRetryMs: num(env.NFL_GRID_NO_WORK_RETRY_MS, 5000),
      concurrentClaims: Math.max(1, Math.round(num(env.NFL_GRID_CONCURRENT_CLAIMS, 4))),
      undeliveredGraceMs: num(env.NFL_GRID_UNDELIVERED_GRACE_MS, 30_000),
      suspendGraceSeconds: num(env.NFL_GRID_SUSPEND_GRACE, 3600),
      minAgentVersion: parseMinVersions(env.NFL_GRID_MIN_AGENT_VERSIONS),
      quota: {
        inProgressPerCore: num(env.NFL_GRID_MAX_IN_PROGRESS_PER_CORE, 32),
        dailyPerCore: num(env.NFL_GRID_DAILY_QUOTA_PER_CORE, 2000),
      },
    },
    hostAuth: {
      credentialTtlSeconds: num(env.NFL_GRID_CREDENTIAL_TTL_S, 30 * 24 * 3600),
      liveCheckTimeoutMs: num(env.NFL_GRID_LIVE_CHECK_MS, 3000),
    },
    reliability: {
      trustStreak: num(env.NFL_GRID_TRUST_STREAK, 10),
      trustMaxErrorRate: num(env.NFL_GRID_TRUST_MAX_ERROR_RATE, 0.05),
      spotCheckRate: num(env.NFL_GRID_SPOT_CHECK_RATE, 0.1),
      maxSoloPerCore: num(env.NFL_GRID_MAX_SOLO_PER_CORE, 1),
      reexamineWindowDays: num(env.NFL_GRID_REEXAMINE_WINDOW_DAYS, 7),
    },
    collusion: {
      pairFlagAfter: num(env.NFL_GRID_PAIR_FLAG_AFTER, 3),
      pairFlagShare: num(env.NFL_GRID_PAIR_FLAG_SHARE, 0.5),
      trustedWaitSeconds: num(env.NFL_GRID_TRUSTED_WAIT_S, 60),
    },
    daemons: {
      transitionerIntervalMs: num(env.NFL_GRID_TRANSITIONER_MS, 1000),
      validatorIntervalMs: num(env.NFL_GRID_VALIDATOR_MS, 500),
      assimilatorIntervalMs: num(env.NFL_GRID_ASSIMILATOR_MS, 500),
      hostOfflineMs: num(env.NFL_GRID_HOST_OFFLINE_MS, 60_000),
    },
    agentDefaults: { checkpointIntervalSeconds: num(env.NFL_GRID_CHECKPOINT_S, 30), progressIntervalSeconds: num(env.NFL_GRID_PROGRESS_S, 2) },
    // every core but none beyond 4: a merge is short, and the event loop keeps running beside it
    combine: { threads: Math.max(1, Math.round(num(env.NFL_GRID_COMBINE_THREADS, Math.min(4, availableParallelism())))) },
    sessionSecret: parseSessionSecret(env.NFL_GRID_SESSION_SECRET),
    logLevels: checkedLogLevels(env.NFL_GRID_LOG_LEVEL),
    claims: { cpuEstimateMultiple: num(env.NFL_GRID_CPU_ESTIMATE_MULTIPLE, DEFAULT_CPU_ESTIMATE_MULTIPLE) },
    http: {
      maxBodyBytes: num(env.NFL_GRID_MAX_BODY_BYTES, 32 * 1024 * 1024),
      anonymousBodyBytes: num(env.NFL_GRID_ANONYMOUS_BODY_BYTES, 64 * 1024),
      requestTimeoutMs: num(env.NFL_GRID_REQUEST_TIMEOUT_MS, 120_000),
      headersTimeoutMs: num(env.NFL_GRID_HEADERS_TIMEOUT_MS, 20_000),
      keepAliveTimeoutMs: num(env.NFL_GRID_KEEP_ALIVE_TIMEOUT_MS, 5_000),
      authFailures: {
        windowMs: num(env.NFL_GRID_AUTH_FAILURE_WINDOW_MS, 60_000),
        perAddress: num(env.NFL_GRID_AUTH_FAILURES_PER_ADDRESS, 60),
        perKeyPrefix: num(env.NFL_GRID_AUTH_FAILURES_PER_KEY, 10),
      },
    },
    ops: {
      metricsToken: env.NFL_GRID_METRICS_TOKEN?.trim() || null,
      statsIntervalMs: num(env.NFL_GRID_STATS_INTERVAL_MS, 3_600_000),
    },
  };
}
