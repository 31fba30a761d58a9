/*
 * What the API sends, as the console sees it: the coordinator's own view types (route types flow
 * to their clients), with Dates turned into the ISO strings JSON carries.
 */
import type { HostDetail } from '../../coordinator/src/console/reads/hosts-detail';
import type { Snapshot } from '../../coordinator/src/console/reads/snapshot';
import type { HostErrorTrend, ProblemReplica } from '../../coordinator/src/console/reads/validation';
import type { dispatchByKernel } from '../../coordinator/src/console/reads/dispatch';
import type { BatchSummary } from '../../coordinator/src/routes/batches';
import type { LeaderRow } from '../../coordinator/src/routes/credit';
import type { replicaView, workUnitView } from '../../coordinator/src/routes/workunits';
import type { AuthUser } from '../../coordinator/src/auth/api-keys';

/** A value after JSON.stringify and JSON.parse. */
export type Wire<T> = T extends Date ? string
  : T extends (infer U)[] ? Wire<U>[]
    : T extends object ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type { Snapshot, ProblemReplica, HostErrorTrend };
export type User = AuthUser;
export type Host = Wire<HostDetail>;
export type Batch = Wire<BatchSummary>;
export type BatchDetail = Batch & { creditGranted: number; cpuHours: number; gpuHours: number; replicas: number; spec: unknown };
export type WorkUnit = Wire<ReturnType<typeof workUnitView>>;
export type Replica = Wire<ReturnType<typeof replicaView>>;
export type WorkUnitDetail = WorkUnit & { replicas: Replica[] };
export type ReplicaDetail = Replica & { batchId: string; output: unknown };
export type Leader = LeaderRow;
export type Dispatch = Awaited<ReturnType<typeof dispatchByKernel>>;

export interface GridEvent { id: number; kind: string; subject: string | null; actor: string | null; data: Record<string, unknown> | null; createdAt: string }
export interface UserRow { id: string; name: string; role: 'admin' | 'researcher' | 'volunteer'; team: string | null; createdAt: string; keys: number }
export interface KeyRow { id: string; prefix: string; label: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

export type Intensity = 'low' | 'medium' | 'high' | 'inferno';
export const INTENSITIES: Intensity[] = ['low', 'medium', 'high', 'inferno'];

/** Messages on the live stream. */
export interface LiveHello { bootId: string; serverTime: string; user: User }
export type LiveMessage =
  | { event: 'hello'; data: LiveHello }
  | { event: 'snapshot'; data: Snapshot }
  | { event: 'batch.submitted'; data: { batchId: string; wuCount: number } }
  | { event: 'batch.finished'; data: { batchId: string; state: 'done' | 'cancelled' } }
  | { event: 'wu.validated'; data: { wuIds: number[]; count: number } }
  | { event: 'wu.failed'; data: { wuIds: number[]; count: number; reason: string } }
  | { event: 'host.changed'; data: { hostId: string } };
export type LiveKind = LiveMessage['event'];
