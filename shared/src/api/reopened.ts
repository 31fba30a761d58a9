/*
 * `GET /api/v1/batches/:id/reopened`: the batch's work units that were re-opened because a host
 * that vouched for their result was caught returning an invalid one, each re-opening with why and
 * the output it set aside, and where the work unit stands now.
 */

export interface ReopenedWorkUnit {
  wuId: number;
  seq: number;
  reopenedAt: Date;
  /** `solo`: the host had validated it alone; `quorum`: the host was one of its quorum. */
  kind: 'solo' | 'quorum';
  reason: string;
  /** The caught host whose result was set aside. */
  hostId: string;
  /** The canonical output withdrawn (its sha256), null when there was none. */
  previousOutputSha256: string | null;
  /** The work unit now: running again, or done with a new canonical output. */
  state: 'pending' | 'running' | 'validating' | 'done' | 'failed' | 'cancelled';
  outputSha256: string | null;
  /** Whether the new canonical output differs from the one withdrawn (null until decided again). */
  changed: boolean | null;
}

export interface ReopenedList {
  batchId: string;
  /** Work units re-opened at least once. */
  workUnits: number;
  reopenings: ReopenedWorkUnit[];
}
