/*
 * What the API sends, as the console sees it: the response types in shared/src/api/console-types.ts
 * (the coordinator's routes build their answers as those types), with Dates turned into the ISO
 * strings JSON carries.
 */
import type {
  AuthUser, BatchDetail as BatchDetailOf, BatchSummary, Dispatch, GridEvent as GridEventOf, HostDetail, Intensity, KeyRow as KeyRowOf,
  LeaderRow, LiveMessage, ModelView, ReplicaDetail as ReplicaDetailOf, UserRow as UserRowOf, WorkUnitDetail as WorkUnitDetailOf,
  WorkUnitView, Wire,
} from '@nfl-grid/shared/api/console-types';

export type { ConsoleHistory, FlaggedPair, HostErrorTrend, HostHistory, LiveHello, LiveMessage, MyCredit, ProblemReplica, Snapshot, Wire } from '@nfl-grid/shared/api/console-types';
/** The performance tracker's views. */
export type { FollowUp, MatrixCell, ModelLeaderboard, ModelType, Trending } from '@nfl-grid/shared/api/console-types';
/** Answers of the endpoints the console calls (wrap them in Wire: their Dates arrive as strings). */
export type {
  AcceptedFollowUp, BatchList, CancelledBatch, ConsoleHosts, CreatedEnrollmentToken, CreatedKey, CreatedUser, CreditLeaderboard, EventList, FollowUpList,
  KeyList, ModelTypeList, RebalanceAnswer, Reprioritised, SessionAnswer, SportMatrix, UserList, ValidationProblems, ValueMatrix, WorkUnitList,
} from '@nfl-grid/shared/api/console-types';
/** The model registry. */
export type { ModelList, PromoteAnswer, PromotionDecision, RollbackAnswer } from '@nfl-grid/shared/api/console-types';
export type User = AuthUser;
export type Model = Wire<ModelView>;
export type Host = Wire<HostDetail>;
export type Batch = Wire<BatchSummary>;
export type BatchDetail = Wire<BatchDetailOf>;
export type WorkUnit = Wire<WorkUnitView>;
export type WorkUnitDetail = Wire<WorkUnitDetailOf>;
export type ReplicaDetail = Wire<ReplicaDetailOf>;
export type Leader = LeaderRow;
export type { Dispatch, Intensity };
export type GridEvent = Wire<GridEventOf>;
export type UserRow = Wire<UserRowOf>;
export type KeyRow = Wire<KeyRowOf>;

export const INTENSITIES: Intensity[] = ['low', 'medium', 'high', 'inferno'];

export type LiveKind = LiveMessage['event'];
