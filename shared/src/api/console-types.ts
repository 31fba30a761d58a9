import type { GameMetrics } from '../sports/game-metrics';
import type { RoiVsClose } from '../sports/roi-vs-close';
import type { Intensity } from '../protocol/host-report';
import type { Role } from './users';

/*
 * The shapes of the API's answers that the web console reads. The coordinator's routes build
 * their answers as these types (the compiler holds the two sides together); the console receives
 * them through JSON, where every Date becomes an ISO string: `Wire<T>` says so.
 */

/** A value after JSON.stringify and JSON.parse. */
export type Wire<T> = T extends Date ? string
  : T extends (infer U)[] ? Wire<U>[]
    : T extends object ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type { Intensity };

/** The caller, as `GET /me` and the live stream's hello name them. */
export interface AuthUser {
  id: string;
  name: string;
  role: Role;
  team: string | null;
}

/* ---------- hosts ---------- */

export interface HostView {
  id: string;
  name: string;
  owner: { id: string; name: string };
  status: 'active' | 'paused' | 'banned';
  intensity: Intensity;
  online: boolean;
  lastContact: Date | null;
  gpu: boolean;
  memoryMb: number;
  hardware: unknown;
  backend: string | null;
  agentVersion: string | null;
  benchmarkFlops: number;
  kernels: string[];
  reliability: {
    consecutiveValid: number; validCount: number; invalidCount: number; errorCount: number; timeoutCount: number; errorRate: number;
  };
  credit: { total: number; rac: number };
  /** CPU hours of the host's valid replicas. */
  cpuHours: number;
  readings: unknown;
  progress: unknown;
  createdAt: Date;
}

/** A replica a host is working on now. */
export interface CurrentWork {
  replicaId: number; wuId: number; seq: number; kernel: string;
  /** Null (and a generic name) when the batch is another researcher's: a volunteer sees only the kernel of work on their host. */
  batchId: string | null; batchName: string; percent: number; sentAt: string;
}

export interface HostDetail extends HostView {
  /** Replicas the host is working on now. */
  current: CurrentWork[];
  /**
   * When an admin or owner last changed intensity or status. The agent confirms a change by its
   * next progress report (which also writes the intensity it runs at): lastContact after this.
   */
  changedAt: string | null;
}

/* ---------- batches, work units, replicas ---------- */

export interface WuCounts { pending: number; running: number; validating: number; done: number; failed: number; cancelled: number }

export interface BatchSummary {
  id: string;
  name: string;
  kernel: string;
  state: 'open' | 'done' | 'cancelled';
  priority: number;
  owner: { id: string; name: string };
  wuCount: number;
  estimatedHours: number;
  createdAt: Date;
  finishedAt: Date | null;
  counts: WuCounts;
  progress: { finished: number; percent: number };
}

/** What a batch's replicas used and earned (CPU and GPU hours: valid replicas only). */
export interface BatchUsage {
  creditGranted: number; cpuHours: number; gpuHours: number; replicas: number;
  /** Done WUs decided on one trusted host's word (adaptive replication), though the policy asked for a larger quorum. */
  validatedAlone: number;
}

/** `GET /batches/:id`. */
/** planState: what a staged batch's plan keeps between stages (e.g. a federated plan's rounds), null otherwise. */
export type BatchDetail = BatchSummary & BatchUsage & { spec: unknown; planState: unknown };

export interface WorkUnitView {
  id: number;
  batchId: string;
  seq: number;
  kernel: string;
  state: 'pending' | 'running' | 'validating' | 'done' | 'failed' | 'cancelled';
  params: unknown;
  seed: number;
  inputs: { name: string; sha256: string }[];
  costEstimate: number;
  totalSteps: number;
  priority: number;
  needsGpu: boolean;
  policy: {
    minQuorum: number; targetReplicas: number; maxErrorReplicas: number; maxTotalReplicas: number; delayBoundSeconds: number; adaptive: boolean;
  };
  replicasSent: number;
  replicasReported: number;
  errorReplicas: number;
  canonicalReplicaId: number | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Set once the WU was re-opened after a host that vouched for it was caught (GET /batches/:id/reopened). */
  reopened: { count: number; at: Date; reason: string } | null;
}

export interface ReplicaView {
  id: number;
  wuId: number;
  host: { id: string; name: string };
  state: 'unsent' | 'in_progress' | 'reported' | 'errored' | 'timed_out' | 'abandoned' | 'cancelled';
  validateState: 'pending' | 'valid' | 'invalid' | 'inconclusive';
  claimedCredit: number | null;
  grantedCredit: number | null;
  outputSha256: string | null;
  cpuSeconds: number | null;
  elapsedSeconds: number | null;
  steps: number | null;
  progress: number;
  spotCheck: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  /** The coordinator's check of the output, for kernels that have one (train.mlp: the re-scored figures). */
  check: { ok: boolean; reason: string | null; rescored: Record<string, unknown> | null } | null;
  sentAt: Date;
  deadline: Date;
  reportedAt: Date | null;
}

/** `GET /workunits/:id`. */
export type WorkUnitDetail = WorkUnitView & { replicas: ReplicaView[] };
/** `GET /replicas/:id`. */
export type ReplicaDetail = ReplicaView & { batchId: string; output: unknown };

/* ---------- credit ---------- */

export interface LeaderRow { rank: number; id: string; name: string; team: string | null; owner?: string; hosts?: number; totalCredit: number; rac: number }

/* ---------- users and the event feed ---------- */

export interface UserRow { id: string; name: string; role: Role; team: string | null; createdAt: Date; keys: number }
export interface KeyRow { id: string; prefix: string; label: string | null; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }
export interface GridEvent { id: number; kind: string; subject: string | null; actor: string | null; data: Record<string, unknown> | null; createdAt: Date }

/* ---------- the console's own reads ---------- */

export interface WuTotals { total: number; pending: number; running: number; validating: number; completed: number; failed: number; cancelled: number }

export interface HostLive {
  id: string; name: string; owner: string; online: boolean; status: 'active' | 'paused' | 'banned'; intensity: Intensity;
  lastContact: string | null; cpuTemp: number | null; gpuTemp: number | null; cpuLoad: number | null; gpu: boolean;
  items: { replicaId: number; percent: number }[];
}

export interface BatchLive {
  id: string; name: string; kernel: string; priority: number; wuCount: number; percent: number;
  counts: WuCounts;
}

/** The compact picture of the grid the live stream sends every few seconds. */
export interface Snapshot {
  at: string;
  workUnits: WuTotals;
  batchesOpen: number;
  cpuHours: number;
  gpuHours: number;
  hosts: { total: number; online: number; gpu: number };
  /** WUs validated in each of the last whole minutes (epoch seconds of each minute's start). */
  throughput: { minutes: number[]; validated: number[]; at: string };
  heat: { byIntensity: Record<Intensity, number>; paused: number; banned: number; hottestCpu: number | null; hottestGpu: number | null };
  hostsLive: HostLive[];
  openBatches: BatchLive[];
}

export interface ProblemReplica {
  id: number; wuId: number; seq: number; batchId: string; batchName: string; kernel: string; wuState: string;
  host: { id: string; name: string; owner: string };
  state: string; validateState: string; errorCode: string | null; errorMessage: string | null;
  outputSha256: string | null; reportedAt: string | null;
}

export interface HostErrorTrend {
  id: string; name: string; owner: string; status: string; online: boolean;
  errorRate: number; validCount: number; invalidCount: number; errorCount: number; timeoutCount: number; consecutiveValid: number;
  /** Bad (invalid, errored, timed out) replicas among those finished in the last hour. */
  recent: { bad: number; total: number };
  lifetimeBadShare: number;
  rising: boolean;
}

/**
 * Two hosts whose shared output kept losing against others (flagged by the validator): a WU only
 * they vouch for is held until a trusted host decides. Counts since the pair was last cleared.
 */
export interface FlaggedPair {
  hostA: { id: string; name: string; owner: string };
  hostB: { id: string; name: string; owner: string };
  /** Validated WUs where both agreed; of those, against a dissenting result; of those, lost. */
  together: number;
  against: number;
  lost: number;
  lastWuId: number | null;
  flaggedAt: Date;
}

/** Replicas dispatched per minute by kernel; `minutes` are epoch seconds, oldest first. */
export interface Dispatch { minutes: number[]; kernels: { kernel: string; counts: number[] }[] }

/**
 * The grid over time (GET /api/v1/console/history): every series is aligned with `buckets`
 * (epoch seconds at each bucket's start, oldest first). A host counts online in a bucket when it
 * reported in it (host_samples); heat is the mean CPU load those reports gave.
 */
export interface ConsoleHistory {
  bucketSeconds: number;
  buckets: number[];
  wusDone: number[];
  replicasReported: number[];
  /** Mean CPU load (%) of reporting hosts; null where no host reported a load. */
  cpuLoad: (number | null)[];
  online: Record<Intensity, number[]>;
  /** Credit granted per UTC day (reversals subtracted), the last `days` days; `days` are epoch seconds. */
  credit: { days: number[]; granted: number[] };
}

/** One host's samples (GET /api/v1/console/hosts/:id/history), oldest first; `at` in epoch seconds. */
export interface HostHistory {
  hostId: string;
  name: string;
  at: number[];
  cpuLoad: (number | null)[];
  cpuTemp: (number | null)[];
  gpuTemp: (number | null)[];
  running: number[];
  intensity: Intensity[];
}

/** The caller's own credit (GET /api/v1/console/my-credit): totals and credit per UTC day. */
export interface MyCredit { totalCredit: number; rac: number; hosts: number; days: number[]; granted: number[] }

/** Messages on the live stream. */
export interface LiveHello { bootId: string; serverTime: string; user: AuthUser }
export type LiveMessage =
  | { event: 'hello'; data: LiveHello }
  | { event: 'snapshot'; data: Snapshot }
  | { event: 'batch.submitted'; data: { batchId: string; wuCount: number } }
  | { event: 'batch.finished'; data: { batchId: string; state: 'done' | 'cancelled' } }
  | { event: 'wu.validated'; data: { wuIds: number[]; count: number } }
  | { event: 'wu.failed'; data: { wuIds: number[]; count: number; reason: string } }
  | { event: 'host.changed'; data: { hostId: string } };

/* ---------- the model registry ---------- */

export type ModelState = 'candidate' | 'production' | 'archived';
export type PromotionVerdict = 'ship' | 'iterate' | 'kill';

/** Metric name → value, as the training reported them (logLoss, brier, calibrationError, plays, ...). */
export type MetricMap = Record<string, number>;
export interface ModelMetrics { overall: MetricMap; seasons: Record<string, MetricMap> }

/** The paired test behind a promotion: Δ is production − candidate log loss per play (> 0: candidate better). */
export interface PromotionNumbers {
  decision: PromotionVerdict;
  reason: string;
  games: number;
  meanImprovement: number;
  pValue: number | null;
  alpha: number;
  permutations: number;
  method: 'exact' | 'monte-carlo' | null;
  seasons: number[];
  plays: number;
  candidateLogLoss: number | null;
  productionLogLoss: number | null;
}

/** What a candidate was tested against: a registry version, or the analytic baseline (id null). */
export interface PromotionAgainst { id: string | null; name: string; version: string }
export interface PromotionOverride { reason: string; by: string }

/** A model's last promotion decision, as stored with it. */
export interface PromotionDecision {
  decision: PromotionVerdict | null;
  against: PromotionAgainst | null;
  numbers: PromotionNumbers | null;
  override: PromotionOverride | null;
  decidedAt: string;
}

export interface ModelView {
  id: string;
  name: string;
  version: number;
  state: ModelState;
  kernel: string;
  params: unknown;
  /** Dataset name → sha256 of the file it was trained on. */
  dataHashes: Record<string, string>;
  lineage: { batchId: string | null; wuIds: number[] };
  metrics: ModelMetrics;
  heldOutSeasons: number[];
  artifactSha256: string;
  replacesId: string | null;
  decision: PromotionDecision | null;
  createdAt: Date;
  promotedAt: Date | null;
  archivedAt: Date | null;
}

/* ---------- the performance tracker ---------- */

export interface TrackedModel {
  key: string;
  kernel: string;
  sport: string;
  family: unknown;
  metric: string;
  lowerIsBetter: boolean;
  importance: number;
  results: number;
  computeHours: number;
  baseline: number | null;
  current: number | null;
  best: number | null;
  bestWuId: number | null;
  bestParams: unknown;
  bestAt: Date | null;
  improvement: number;
  roi: number;
  trend: { class: string; slope: number | null; lower: number | null; upper: number | null };
  regression: { pValue: number | null; test: string | null };
  updatedAt: Date;
}

export interface Milestone {
  id: number; modelKey: string; kind: string; wuId: number; value: number; previous: number | null;
  pValue: number | null; adjustedP: number | null; detail: unknown; at: Date;
}

/** `GET /performance/leaderboard/:sport`: one board per kernel, models ranked by best metric. */
export interface ModelLeaderboard {
  sport: string;
  boards: { kernel: string; metric: string; lowerIsBetter: boolean; models: (TrackedModel & { rank: number })[] }[];
}

export interface Trending {
  improving: TrackedModel[];
  regressing: TrackedModel[];
  counts: { improving: number; regressing: number; plateau: number; new: number };
  milestones: Milestone[];
}

/** A kernel the tracker knows, with its model metric when it has one. */
export interface ModelType {
  kernel: string;
  title: string;
  tracked: boolean;
  metric: string | null;
  lowerIsBetter: boolean | null;
  unit: number | null;
  tuned: { path: string; step: number; mode?: 'add' | 'mul' }[];
  ignored: string[];
  models: number;
}

/** One open batch's pending work against its model, valued by expected gain. */
export interface MatrixCell {
  batchId: string;
  batchName: string;
  batchPriority: number;
  kernel: string;
  /** null for kernels without a model metric. */
  modelKey: string | null;
  tracked: boolean;
  metric: string | null;
  pendingWus: number;
  estimatedHours: number;
  /** Expected gain of one more result, in metric units. */
  gainPerResult: number | null;
  expectedImprovement: number | null;
  importance: number;
  ev: number | null;
  trend: string | null;
  best: number | null;
  results: number;
}

export interface FollowUp {
  id: string;
  modelKey: string;
  kind: string;
  state: string;
  reason: string;
  spec: unknown;
  sourceWuId: number;
  sourceBatchId: string;
  batchId: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  error: string | null;
  createdAt: Date;
}

/** A batch whose priority a rebalance changed (or would change, on a dry run). */
export interface PriorityChange { batchId: string; name: string; from: number; to: number; ev: number | null }

/* ---------- answers of the endpoints the console calls ---------- */

/** `GET /session` (null when not signed in), `POST /session` and `GET /me`. */
export interface SessionAnswer<U extends AuthUser | null = AuthUser> { user: U }
/** `GET /users`. */
export interface UserList { users: UserRow[] }
/** `GET /users/:id/keys`. */
export interface KeyList { keys: KeyRow[] }
/** `POST /users`: the new user and their first key, shown this once. */
export interface CreatedUser { user: AuthUser & { createdAt: Date }; apiKey: string; keyId: string }
/** `POST /users/:id/keys`. */
export interface CreatedKey { id: string; userId: string; apiKey: string; prefix: string }
/** `POST /enrollment-tokens`. */
export interface CreatedEnrollmentToken { token: string; expiresAt: Date; uses: number; userId: string }
/** `GET /console/hosts`. */
export interface ConsoleHosts { hosts: HostDetail[] }
/** `GET /console/validation`. */
export interface ValidationProblems { replicas: ProblemReplica[]; hosts: HostErrorTrend[]; pairs: FlaggedPair[] }
/** `POST /console/flagged-pairs/clear`. */
export interface ClearedPair { hostA: string; hostB: string; cleared: true }
/** `GET /batches`. */
export interface BatchList { batches: BatchSummary[]; total: number; limit: number; offset: number }
/** `GET /batches/:id/workunits`. */
export interface WorkUnitList { workUnits: WorkUnitView[]; total: number; limit: number; offset: number }
/** `POST /batches/:id/cancel`. */
export interface CancelledBatch { batchId: string; state: 'cancelled'; wusCancelled: number; replicasCancelled: number }
/** `PATCH /batches/:id`. */
export interface Reprioritised { batchId: string; priority: number; previousPriority: number; workUnitsUpdated: number }
/** `GET /events`. */
export interface EventList { events: GridEvent[] }
/** `GET /credit/leaderboard`. */
export interface CreditLeaderboard { by: 'user' | 'host'; rows: LeaderRow[] }
/** `GET /performance/matrix`: open batches' pending work ranked by expected value. */
export interface ValueMatrix { generatedAt: string; cells: (MatrixCell & { rank: number })[] }
/** A paired per-game difference, model − close (< 0: the model did better), with its standard error. */
export interface PairedDiff { games: number; mean: number | null; se: number | null }
/** Against seed 001's thresholds: below the minimum, at least the minimum, at least the target. */
export type ThresholdLevel = 'below' | 'minimum' | 'target' | null;
/** A pre-game registry model's figures from its walk-forward predictions (`GET /performance/sport-models`). */
export interface SportModelFigures {
  id: string; name: string; version: number; sport: string; modelType: string; kernel: string; state: string; createdAt: Date;
  seasons: number[];
  metrics: GameMetrics;
  /** The de-vigged close scored on the model's games that had a line. */
  market: GameMetrics | null;
  vsMarket: { brier: PairedDiff; logLoss: PairedDiff };
  roi: RoiVsClose;
  levels: { accuracy: ThresholdLevel; roi: ThresholdLevel };
}
export interface SportMatrixCell { sport: string; modelType: string; models: number; best: SportModelFigures }
/** `GET /performance/matrix`, seed 001's part: sport × model type and summary statistics. */
export interface SportMatrix {
  sport: string | null;
  daysBack: number | null;
  matrix: { sports: string[]; modelTypes: string[]; cells: SportMatrixCell[] };
  summary: {
    models: number; games: number; meanAccuracy: number | null; bestAccuracy: number | null; bestBrier: number | null; bestLogLoss: number | null;
    meanRoi: number | null; bestRoi: number | null; beatingMarketLogLoss: number;
    meetingAccuracyMinimum: number; meetingAccuracyTarget: number; meetingRoiMinimum: number; meetingRoiTarget: number;
    thresholds: { accuracy: { minimum: number; target: number }; roi: { minimum: number; target: number } };
  };
}
/** `GET /performance/model-types`. */
export interface ModelTypeList { modelTypes: ModelType[] }
/** `GET /performance/follow-ups`. */
export interface FollowUpList { followUps: FollowUp[] }
/** `POST /performance/follow-ups/:id/accept`: the follow-up, now with its batch. */
export type AcceptedFollowUp = FollowUp & { wuCount: number; estimatedHours: number };
/** `POST /performance/rebalance`. */
export interface RebalanceAnswer { dryRun: boolean; changes: PriorityChange[] }

export interface ModelList { models: ModelView[]; total: number }

/** `POST /models/:id/promote`: the decision with its numbers, and the model after it. */
export interface PromoteAnswer {
  promoted: boolean;
  decision: PromotionVerdict | null;
  override: PromotionOverride | null;
  against: PromotionAgainst | null;
  numbers: PromotionNumbers | null;
  model: ModelView;
}

/** `POST /models/:id/rollback`: the archived version, the one production again (if any), what is served. */
export interface RollbackAnswer {
  archived: ModelView;
  production: ModelView | null;
  served: { model: string; version: string } | null;
}
