/*
 * The work loop: asks for work, verifies it, runs it, reports it.
 *
 * Loop states (`state`; one at a time):
 *   offline     no welcomed session: waits (connection.ts reconnects, then `welcome` wakes us)
 *   idle        session up, enough work in hand: waits for an item to finish or a message
 *   requesting  `request_work` sent: waits for `work` or `no_work` (or a reply timeout)
 *   backing_off `no_work` said "retry later": waits retryAfterMs, cut short by pushed work
 *   paused      the coordinator's config says paused: asks for nothing (items in hand still run)
 *   stopping    stop() was called: running items abort, the loop ends
 *
 * Each item moves queued → running → reporting (outbox, `result`) → acknowledged (`result_ack`),
 * or ends as failed (an `error` message), cancelled, or abandoned (named in `bye` at stop).
 * Every wait is on one Wakeup, rung by messages, finished items, config changes and stop().
 */
import type { JWTVerifyGetKey } from 'jose';
import type { AgentConfig, AgentMessage, CoordinatorMessage, MessageOf } from '@nfl-grid/shared/protocol/messages';
import type { Intensity } from '@nfl-grid/shared/protocol/common';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { Logger } from '@nfl-grid/shared/util/log';
import type { AgentSettings } from './config';
import { describe } from './errors';
import type { SensorReader } from './hardware';
import type { HeatControl } from './heat';
import type { InputStore } from './inputs';
import { runItem, type ItemOutcome, type RunningItem } from './item-runner';
import { KernelDataCache } from './kernel-data';
import type { Outbox } from './outbox';
import type { ResultReporter } from './reporter';
import { progressLoop } from './progress';
import { checkWorkPacket } from './verify-work';
import { backoffDelay, Wakeup } from './waits';

export type LoopState = 'offline' | 'idle' | 'requesting' | 'backing_off' | 'paused' | 'stopping';

export interface WorkLoopDeps {
  settings: AgentSettings;
  hostId: string;
  keys: JWTVerifyGetKey;
  inputs: InputStore;
  outbox: Outbox;
  reporter: ResultReporter;
  sensors: SensorReader;
  heat: HeatControl;
  send: (msg: AgentMessage) => boolean;
  log: Logger;
}

type ErrorMsg = MessageOf<AgentMessage, 'error'>;

export class WorkLoop {
  state: LoopState = 'offline';
  private remote: AgentConfig | null = null;
  private readonly queue: WorkItem[] = [];
  private readonly running = new Map<number, RunningItem>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly abandoned = new Set<number>();
  private readonly pendingErrors: ErrorMsg[] = [];
  private readonly data = new KernelDataCache();
  private readonly wakeup = new Wakeup();
  private readonly stopController = new AbortController();
  private session = false;
  private sessions = 0;
  private requestSentAt: number | null = null;
  private retryAt = 0;
  /** Work packets refused in a row (backs off the next request). */
  private refusals = 0;
  private loops: Promise<unknown> | null = null;

  constructor(private readonly d: WorkLoopDeps) {}

  start(): void {
    const progress = {
      online: () => this.session,
      intervalMs: () => (this.remote?.progressIntervalSeconds ?? 5) * 1000,
      running: () => [...this.running.values()],
      intensity: () => this.intensity(),
    };
    this.loops ??= Promise.all([this.run(), progressLoop(progress, this.d.sensors, this.d.send, this.stopController.signal)]);
  }

  intensity(): Intensity {
    return this.remote?.intensity ?? this.d.settings.intensity;
  }

  /** Replicas this agent still holds: queued, running, or finished and not yet acknowledged. */
  holding(): number[] {
    return [...new Set([...this.queue.map((i) => i.replicaId), ...this.running.keys(), ...this.d.outbox.replicaIds()])];
  }

  onWelcome(msg: MessageOf<CoordinatorMessage, 'welcome'>): void {
    const { log } = this.d;
    if (msg.hostId !== this.d.hostId) log.warn(`welcome names host ${msg.hostId}, but this agent is host ${this.d.hostId}`);
    this.applyConfig(msg.config);
    this.session = true;
    this.sessions++;
    this.requestSentAt = null;
    this.retryAt = 0;
    if (msg.dropped.length) this.forget(msg.dropped, 'dropped by the coordinator');
    for (const e of this.pendingErrors.splice(0)) this.d.send(e);
    const fields = { hostId: msg.hostId, intensity: this.intensity(), slots: this.d.heat.slots, holding: this.holding().length, outbox: this.d.outbox.size };
    if (this.sessions === 1) {
      if (this.d.outbox.size) log.info(`sending ${this.d.outbox.size} results left in the outbox by an earlier run`);
      log.info(`agent ready host=${msg.hostId}`, fields);
    } else {
      log.info(`session resumed host=${msg.hostId} holding=${fields.holding}`, fields);
    }
    this.d.reporter.onSession();
    this.wakeup.wake();
  }

  onDisconnect(): void {
    this.session = false;
    this.requestSentAt = null;
    this.wakeup.wake();
  }

  onMessage(msg: CoordinatorMessage): void {
    const { log } = this.d;
    switch (msg.type) {
      case 'work':
        this.track(this.acceptWork(msg.jws));
        return;
      case 'no_work':
        this.requestSentAt = null;
        this.retryAt = Date.now() + msg.retryAfterMs;
        log.debug(`no work; asking again in ${msg.retryAfterMs}ms`);
        break;
      case 'cancel':
        this.forget(msg.replicaIds, `cancelled: ${msg.reason}`);
        break;
      case 'config':
        this.applyConfig(msg.config);
        log.info(`config intensity=${msg.config.intensity} paused=${msg.config.paused}`, { ...msg.config, slots: this.d.heat.slots });
        break;
      case 'result_ack':
        void this.d.reporter.onAck(msg).catch((e) => log.error(`cannot update the outbox: ${describe(e)}`));
        return;
      case 'error':
        log.warn(`coordinator error (${msg.code}): ${msg.message}`, { code: msg.code, fields: msg.fields });
        return;
      case 'welcome':
        this.onWelcome(msg);
        return;
    }
    this.wakeup.wake();
  }

  /** Aborts running items, ends the loops and returns the replicas given back (for `bye`). */
  async stop(): Promise<number[]> {
    this.state = 'stopping';
    this.stopController.abort();
    for (const run of this.running.values()) run.controller.abort();
    this.wakeup.wake();
    await this.loops;
    await Promise.allSettled([...this.tasks]);
    await this.d.reporter.flush();
    this.d.reporter.close();
    for (const item of this.queue.splice(0)) this.abandoned.add(item.replicaId);
    return [...this.abandoned];
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private applyConfig(config: AgentConfig): void {
    this.remote = config;
    this.d.heat.setIntensity(config.intensity);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      while (!this.stopping && this.queue.length && this.running.size < this.d.heat.slots) this.launch(this.queue.shift()!);
      await this.wakeup.wait(this.decide());
    }
  }

  /** Picks the next state (sending `request_work` when the queue runs low); returns how long to wait. */
  private decide(): number | undefined {
    const [state, waitMs] = this.next(Date.now());
    if (state !== this.state) this.d.log.debug(`work loop ${this.state} -> ${state}`);
    this.state = state;
    return waitMs;
  }

  private next(now: number): [LoopState, number | undefined] {
    const { timing } = this.d.settings;
    if (this.stopping) return ['stopping', undefined];
    if (!this.session) return ['offline', undefined];
    if (this.remote?.paused) return ['paused', undefined];
    if (this.requestSentAt !== null) {
      const left = this.requestSentAt + timing.replyTimeoutMs - now;
      if (left > 0) return ['requesting', left];
      this.d.log.warn('no reply to request_work; asking again');
      this.requestSentAt = null;
    }
    if (now < this.retryAt) return ['backing_off', this.retryAt - now];
    const slots = this.d.heat.slots;
    // Keep about one packet (two rounds of slots) in hand; ask when less than a round is queued.
    if (this.queue.length < slots) {
      const max = Math.min(1000, 2 * slots - this.queue.length);
      if (this.d.send({ type: 'request_work', max })) {
        this.requestSentAt = now;
        this.d.log.debug(`requested work max=${max}`);
        return ['requesting', timing.replyTimeoutMs];
      }
    }
    return ['idle', undefined];
  }

  private async acceptWork(jws: string): Promise<void> {
    const { log } = this.d;
    const check = await checkWorkPacket(jws, this.d.keys, this.d.hostId, log);
    // Only now is the request answered: asking again while a packet is being verified over-asks.
    this.requestSentAt = null;
    if (!check.ok) {
      this.sendError(null, 'work_rejected', `work packet refused (${check.code}): ${check.message}`);
      // A coordinator that keeps sending packets we refuse must not get a tight request loop.
      const ms = backoffDelay(this.refusals++, { initialMs: 1000, maxMs: 60_000 });
      this.retryAt = Date.now() + ms;
      log.info(`asking for work again in ${ms}ms after a refused packet`);
    } else {
      this.refusals = 0;
      this.retryAt = 0;
      const held = new Set(this.holding());
      for (const item of check.claims.items) {
        if (held.has(item.replicaId)) log.info(`replica=${item.replicaId} is already held; ignoring the copy`);
        else this.queue.push(item);
      }
      log.info(`queued replicas=${check.claims.items.map((i) => i.replicaId).join(',')} queue=${this.queue.length} running=${this.running.size}`);
    }
    this.wakeup.wake();
  }

  private launch(item: WorkItem): void {
    const run: RunningItem = { item, controller: new AbortController(), step: 0, totalSteps: 0, cancelled: false };
    this.running.set(item.replicaId, run);
    this.d.log.info(`running replica=${item.replicaId} wu=${item.wuId} kernel=${item.kernel}`, { replicaId: item.replicaId, wuId: item.wuId });
    const deps = { inputs: this.d.inputs, data: this.data, heat: this.d.heat, fault: this.d.settings.fault, log: this.d.log };
    this.track(runItem(run, deps)
      .then((outcome) => this.settle(run, outcome))
      .catch((e) => this.d.log.error(`replica=${item.replicaId}: ${describe(e)}`))
      .finally(() => this.running.delete(item.replicaId)));
  }

  /** Keeps a background task where stop() can await it; rings the loop when it ends. */
  private track(p: Promise<unknown>): void {
    const task: Promise<void> = p.then(() => undefined, (e) => this.d.log.error(describe(e))).finally(() => {
      this.tasks.delete(task);
      this.wakeup.wake();
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
        this.sendError(id, 'agent_error', `cannot store the result in the outbox: ${describe(e)}`);
        return;
      }
      log.info(`finished replica=${id} steps=${r.steps} cpu=${r.cpuSeconds.toFixed(3)}s elapsed=${r.elapsedSeconds.toFixed(3)}s sha256=${r.outputSha256}`, { replicaId: id });
    } else if (outcome.status === 'stopped') {
      if (!run.cancelled) this.abandoned.add(id);
      log.info(`stopped replica=${id} at step ${outcome.steps}${run.cancelled ? ' (cancelled)' : ' (agent stopping)'}`, { replicaId: id });
    } else if (!run.cancelled) {
      log.warn(`replica=${id} failed (${outcome.code}): ${outcome.message}`, { replicaId: id, code: outcome.code });
      this.sendError(id, outcome.code, outcome.message);
    }
  }

  /** Cancelled or dropped replicas: unqueue, abort if running, forget unacknowledged results. */
  private forget(replicaIds: number[], why: string): void {
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
    void this.d.reporter.drop([...ids]).then((removed) => {
      this.d.log.info(`${why} replicas=${replicaIds.join(',')}`, { unqueued, aborted, outboxRemoved: removed });
    });
  }

  private sendError(replicaId: number | null, code: string, message: string): void {
    const msg: ErrorMsg = { type: 'error', replicaId, code, message: message.slice(0, 4000) };
    if (this.session && this.d.send(msg)) return;
    if (this.pendingErrors.length < 1000) this.pendingErrors.push(msg);
  }
}
