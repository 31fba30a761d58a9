import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { CheckpointStore } from '../disk/checkpoint-store';
import type { WorkStore } from '../disk/work-store';
import { describe } from '../errors';
import type { HeatControl } from '../heat/heat';
import type { ErrorReports } from '../link/error-reports';
import type { Outbox } from '../link/outbox';
import type { ResultReporter } from '../link/reporter';
import { newRunningItem, runItem, type ItemOutcome, type ItemRunnerDeps, type RunningItem } from './item-runner';

/*
 * The replicas this agent holds, and their lives on this machine:
 *   queued → running (one worker thread each; suspended beyond the heat plan's slots)
 *          → finished (result in the outbox; work file and checkpoint deleted)
 *          | failed (an `error` message; files deleted)
 *          | cancelled / dropped by the coordinator (files deleted)
 *          | stopped because the agent stops: suspended (checkpoint and work file kept for the
 *            next start; named in `suspend`, so the coordinator keeps it for this host for a grace
 *            period), or abandoned on request (`nfl-agent quit --abandon`: files deleted; named in
 *            `bye` as given back, so it is handed on at once)
 * Every accepted item is on disk (work-store.ts) until it ends, so a restart queues it again and
 * resumes it from its checkpoint.
 */

export interface WorkInHandDeps {
  hostId: string;
  store: WorkStore;
  checkpoints: CheckpointStore;
  outbox: Outbox;
  reporter: ResultReporter;
  heat: HeatControl;
  runner: Omit<ItemRunnerDeps, 'throttle' | 'checkpoints' | 'checkpointEveryMs'>;
  /** `failed` items and results the outbox would not take. */
  errors: Pick<ErrorReports, 'report'>;
  /** A result was stored (for the credit tally). */
  onFinished(item: WorkItem): void;
  log: Logger;
}

/** What stop() did with the work in hand. */
export interface StopOutcome {
  suspended: number[];
  abandoned: number[];
}

export class WorkInHand {
  private readonly queue: WorkItem[] = [];
  /** Insertion order is launch order: the first `slots` run, the rest are suspended. */
  private readonly running = new Map<number, RunningItem>();
  /** Items stopped because the agent stops (not cancelled), their checkpoints kept. */
  private readonly stoppedHere = new Set<number>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly endListeners: Array<() => void> = [];
  /** Busy milliseconds between checkpoints, as the work loop last set it. */
  private checkpointEveryMs = 0;

  constructor(private readonly d: WorkInHandDeps) {}

  /** Calls `listener` each time a running item has ended and its slot is free. */
  onItemEnded(listener: () => void): void {
    this.endListeners.push(listener);
  }

  /** Queues the work left on disk by an earlier run (a result already in the outbox ends it). */
  async restore(): Promise<number> {
    const { store, outbox, log } = this.d;
    const stale: number[] = [];
    for (const e of store.list()) {
      if (e.hostId !== this.d.hostId || outbox.has(e.item.replicaId)) stale.push(e.item.replicaId);
      else this.queue.push(e.item);
    }
    if (stale.length) await this.discard(stale);
    if (this.queue.length) log.info(`restored ${this.queue.length} work items from an earlier run replicas=${this.queue.map((i) => i.replicaId).join(',')}`);
    return this.queue.length;
  }

  get queued(): number {
    return this.queue.length;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Queued and running replica ids. */
  replicaIds(): number[] {
    return [...this.queue.map((i) => i.replicaId), ...this.running.keys()];
  }

  /** Items running unsuspended on a worker. */
  busyThreads(): number {
    return [...this.running.values()].filter((r) => r.thread && !r.suspended).length;
  }

  /** Stores new items on disk, then queues them; items already held are ignored. */
  async accept(items: WorkItem[], held: Set<number>): Promise<WorkItem[]> {
    const fresh: WorkItem[] = [];
    for (const item of items) {
      if (held.has(item.replicaId) || fresh.some((f) => f.replicaId === item.replicaId)) this.d.log.info(`replica=${item.replicaId} is already held; ignoring the copy`);
      else fresh.push(item);
    }
    try {
      await this.d.store.put(this.d.hostId, fresh);
    } catch (e) {
      this.d.log.error(`cannot keep work on disk (it will not survive a restart): ${describe(e)}`);
    }
    this.queue.push(...fresh);
    return fresh;
  }

  /** Starts queued items while fewer than `slots` run. */
  fill(slots: number): void {
    while (this.queue.length && this.running.size < slots) this.launch(this.queue.shift()!);
  }

  /** Tells every running item's worker its duty, suspending those beyond the plan's slots. */
  applyHeat(): void {
    const plan = this.d.heat.plan();
    let index = 0;
    for (const run of this.running.values()) {
      const t = this.d.heat.throttleFor(index++, plan);
      if (t.suspended !== run.suspended) this.d.log.info(`${t.suspended ? 'suspended' : 'continued'} replica=${run.item.replicaId} at step ${run.step}${plan.pausedBy.length ? ` (${plan.pausedBy.join('; ')})` : ''}`);
      run.suspended = t.suspended;
      run.thread?.setThrottle(t);
    }
  }

  setCheckpointEvery(ms: number): void {
    this.checkpointEveryMs = ms;
    for (const run of this.running.values()) run.thread?.setCheckpointEvery(ms);
  }

  /** Cancelled or dropped replicas: unqueue, abort if running, forget results and files. */
  forget(replicaIds: number[], why: string): void {
    const ids = new Set(replicaIds);
    const unqueued = this.queue.filter((i) => ids.has(i.replicaId)).map((i) => i.replicaId);
    this.queue.splice(0, this.queue.length, ...this.queue.filter((i) => !ids.has(i.replicaId)));
    const aborted: number[] = [];
    for (const id of ids) {
      const run = this.running.get(id);
      if (!run) continue;
      run.cancelled = true;
      run.controller.abort();
      aborted.push(id);
    }
    void Promise.all([this.d.reporter.drop([...ids]), this.discard(unqueued)]).then(([removed]) => {
      this.d.log.info(`${why} replicas=${replicaIds.join(',')}`, { unqueued, aborted, outboxRemoved: removed });
    });
  }

  /**
   * Stops every running item between steps (each saves a checkpoint). Kept, they are `suspended`
   * (on disk for the next start); with `abandon` their files go and they are `abandoned`.
   */
  async stop(o: { abandon: boolean }): Promise<StopOutcome> {
    for (const run of this.running.values()) run.controller.abort();
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
    for (const item of this.queue.splice(0)) this.stoppedHere.add(item.replicaId);
    const ids = [...this.stoppedHere];
    if (!o.abandon) return { suspended: ids, abandoned: [] };
    await this.discard(ids);
    return { suspended: [], abandoned: ids };
  }

  /** Running items, in launch order. */
  runningItems(): RunningItem[] {
    return [...this.running.values()];
  }

  /** Items waiting for a slot, in queue order. */
  queuedItems(): WorkItem[] {
    return [...this.queue];
  }

  private launch(item: WorkItem): void {
    const run = newRunningItem(item);
    this.running.set(item.replicaId, run);
    run.suspended = this.d.heat.throttleFor(this.running.size - 1).suspended;
    this.d.log.info(`running replica=${item.replicaId} wu=${item.wuId} kernel=${item.kernel}`, { replicaId: item.replicaId, wuId: item.wuId });
    const deps: ItemRunnerDeps = {
      ...this.d.runner,
      checkpoints: this.d.checkpoints,
      checkpointEveryMs: () => this.checkpointEveryMs,
      throttle: (r) => this.d.heat.throttleFor([...this.running.keys()].indexOf(r.item.replicaId)),
    };
    const task: Promise<void> = runItem(run, deps)
      .then((outcome) => this.settle(run, outcome))
      .catch((e) => this.d.log.error(`replica=${item.replicaId}: ${describe(e)}`))
      .finally(() => {
        this.running.delete(item.replicaId);
        this.tasks.delete(task);
        this.applyHeat();
        for (const listener of this.endListeners) listener();
      });
    this.tasks.add(task);
  }

  private async settle(run: RunningItem, outcome: ItemOutcome): Promise<void> {
    const id = run.item.replicaId;
    const { log } = this.d;
    if (outcome.status === 'finished') {
      const r = outcome.result;
      try {
        await this.d.reporter.add(r);
      } catch (e) {
        this.d.errors.report(id, 'agent_error', `cannot store the result in the outbox: ${describe(e)}`);
        await this.discard([id]);
        return;
      }
      await this.discard([id]);
      this.d.onFinished(run.item);
      log.info(`finished replica=${id} steps=${r.steps} cpu=${r.cpuSeconds.toFixed(3)}s elapsed=${r.elapsedSeconds.toFixed(3)}s sha256=${r.outputSha256}`, { replicaId: id });
    } else if (outcome.status === 'stopped') {
      if (run.cancelled) await this.discard([id]);
      else this.stoppedHere.add(id);
      log.info(`stopped replica=${id} at step ${outcome.steps}${run.cancelled ? ' (cancelled)' : ' (agent stopping; checkpoint kept)'}`, { replicaId: id });
    } else {
      await this.discard([id]);
      if (!run.cancelled) {
        log.warn(`replica=${id} failed (${outcome.code}): ${outcome.message}`, { replicaId: id, code: outcome.code });
        this.d.errors.report(id, outcome.code, outcome.message);
      }
    }
  }

  /** Deletes the work files and checkpoints of replicas that ended here. */
  private async discard(ids: number[]): Promise<void> {
    if (!ids.length) return;
    try {
      await this.d.store.remove(ids);
      await this.d.checkpoints.remove(ids);
    } catch (e) {
      this.d.log.warn(`cannot delete the files of replicas=${ids.join(',')}: ${describe(e)}`);
    }
  }
}
