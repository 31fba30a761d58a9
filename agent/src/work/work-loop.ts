/*
 * The work loop: asks for work, verifies it, hands it to the work in hand, reports it.
 *
 * Loop states (`state`; one at a time):
 *   offline     no welcomed session: waits (connection.ts reconnects, then `welcome` wakes us);
 *               work in hand still runs and its results wait in the outbox
 *   idle        session up, enough work in hand: waits for an item to finish or a message
 *   requesting  `request_work` sent: waits for `work` or `no_work` (or a reply timeout)
 *   backing_off `no_work` said "retry later": waits retryAfterMs, cut short by pushed work
 *   paused      the coordinator's config, a volunteer rule (battery, run window, user active) or
 *               the thermal guard says not now: asks for nothing; running items are suspended
 *               by the heat control (the coordinator's pause lets work in hand run)
 *   finishing   `nfl-agent finish`: runs the work in hand, asks for no more; when it is done (and
 *               acknowledged) the loop is paused, or the agent stops with `finish --exit`
 *   stopping    stop() was called: running items checkpoint and stop, the loop ends; the work in
 *               hand is kept (suspended) for the next start, or abandoned when asked
 *
 * Every wait is on one Wakeup, rung by messages, finished items, heat changes and stop().
 */
import type { JWTVerifyGetKey } from 'jose';
import type { AgentConfig, AgentMessage, CoordinatorMessage, MessageOf } from '@nfl-grid/shared/protocol/messages';
import type { Intensity } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { AgentSettings } from '../config';
import { describe } from '../errors';
import type { HeatControl } from '../heat/heat';
import type { ErrorReports } from '../link/error-reports';
import type { Outbox } from '../link/outbox';
import type { ResultReporter } from '../link/reporter';
import { backoffDelay, Wakeup } from '../waits';
import { checkWorkPacket } from './verify-work';
import type { StopOutcome, WorkInHand } from './work-in-hand';
import { nextRequestId } from '../link/request-id';

export type LoopState = 'offline' | 'idle' | 'requesting' | 'backing_off' | 'paused' | 'finishing' | 'stopping';

export interface WorkLoopDeps {
  settings: AgentSettings;
  hostId: string;
  keys: JWTVerifyGetKey;
  outbox: Outbox;
  reporter: ResultReporter;
  heat: HeatControl;
  hand: WorkInHand;
  /** `error` messages, held while no session is up. */
  errors: ErrorReports;
  send: (msg: AgentMessage) => boolean;
  log: Logger;
  /** The work in hand is done in finish mode with `exitAfter`: the agent should stop. */
  onFinishedExit?: () => void;
  /** Validation outcomes of this host's results (the coordinator's `credit` message). */
  onCredit?: (results: MessageOf<CoordinatorMessage, 'credit'>['results']) => void;
}

export class WorkLoop {
  state: LoopState = 'offline';
  readonly hand: WorkInHand;
  private remote: AgentConfig | null = null;
  private readonly tasks = new Set<Promise<void>>();
  private readonly wakeup = new Wakeup();
  private readonly stopController = new AbortController();
  private session = false;
  private sessions = 0;
  private requestSentAt: number | null = null;
  private retryAt = 0;
  /** Work packets refused in a row (backs off the next request). */
  private refusals = 0;
  private finish: { exitAfter: boolean; done: boolean } | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly d: WorkLoopDeps) {
    this.hand = d.hand;
    this.hand.setCheckpointEvery(this.checkpointEveryMs());
    this.hand.onItemEnded(() => this.wake());
    d.heat.onChange(() => {
      this.hand.applyHeat();
      this.wake();
    });
  }

  start(): void {
    this.loop ??= this.run();
  }

  wake(): void {
    this.wakeup.wake();
  }

  get online(): boolean {
    return this.session;
  }

  /** The host's owner or an admin paused it in the console (the coordinator's config). */
  get adminPaused(): boolean {
    return this.remote?.paused ?? false;
  }

  get finishing(): boolean {
    return this.finish !== null;
  }

  /** The volunteer's intensity (the coordinator's config may have changed it). */
  intensity(): Intensity {
    return this.d.heat.chosen;
  }

  checkpointEveryMs(): number {
    return 1000 * (this.d.settings.checkpointIntervalSeconds ?? this.remote?.checkpointIntervalSeconds ?? 30);
  }

  progressIntervalMs(): number {
    return (this.remote?.progressIntervalSeconds ?? 5) * 1000;
  }

  /** Replicas this agent still holds: queued, running, or finished and not yet acknowledged. */
  holding(): number[] {
    return [...new Set([...this.hand.replicaIds(), ...this.d.outbox.replicaIds()])];
  }

  /** `nfl-agent finish` (exitAfter: then stop), or null to carry on as before. */
  setFinish(request: { exitAfter: boolean } | null): void {
    const { log } = this.d;
    if (request) log.info(`finish requested: running the work in hand (${this.hand.replicaIds().length} items), asking for no more${request.exitAfter ? ', then stopping' : ', then pausing'}`);
    else if (this.finish) log.info('finish cancelled: asking for work again');
    this.finish = request ? { exitAfter: request.exitAfter, done: false } : null;
    this.wake();
  }

  onWelcome(msg: MessageOf<CoordinatorMessage, 'welcome'>): void {
    const { log } = this.d;
    if (msg.hostId !== this.d.hostId) log.warn(`welcome names host ${msg.hostId}, but this agent is host ${this.d.hostId}`);
    this.applyConfig(msg.config);
    this.session = true;
    this.sessions++;
    this.requestSentAt = null;
    this.retryAt = 0;
    if (msg.dropped.length) this.hand.forget(msg.dropped, 'dropped by the coordinator');
    this.d.errors.sessionUp();
    const fields = { hostId: msg.hostId, intensity: this.intensity(), slots: this.d.heat.slots, holding: this.holding().length, outbox: this.d.outbox.size };
    if (this.sessions === 1) {
      if (this.d.outbox.size) log.info(`sending ${this.d.outbox.size} results left in the outbox by an earlier run`);
      log.info(`agent ready host=${msg.hostId}`, fields);
    } else {
      log.info(`session resumed host=${msg.hostId} holding=${fields.holding}`, fields);
    }
    this.d.reporter.onSession();
    this.wake();
  }

  onDisconnect(): void {
    this.session = false;
    this.d.errors.sessionDown();
    this.requestSentAt = null;
    this.wake();
  }

  onMessage(msg: CoordinatorMessage): void {
    const { log } = this.d;
    switch (msg.type) {
      case 'work':
        this.track(this.acceptWork(msg.jws, msg.rid));
        return;
      case 'no_work':
        this.requestSentAt = null;
        this.retryAt = Date.now() + msg.retryAfterMs;
        log.debug(`no work; asking again in ${msg.retryAfterMs}ms`, { rid: msg.rid ?? null });
        break;
      case 'cancel':
        this.hand.forget(msg.replicaIds, `cancelled: ${msg.reason}`);
        break;
      case 'config':
        this.applyConfig(msg.config);
        log.info(`config intensity=${msg.config.intensity} paused=${msg.config.paused}`, { ...msg.config, slots: this.d.heat.slots });
        break;
      case 'result_ack':
        void this.d.reporter.onAck(msg).then(() => this.wake(), (e) => log.error(`cannot update the outbox: ${describe(e)}`));
        return;
      case 'credit': {
        const valid = msg.results.filter((r) => r.valid);
        const granted = valid.reduce((s, r) => s + r.granted, 0);
        log.info(`validated valid=${valid.length} invalid=${msg.results.length - valid.length} granted=${granted.toFixed(4)}`, { replicaIds: msg.results.map((r) => r.replicaId) });
        this.d.onCredit?.(msg.results);
        return;
      }
      case 'error':
        log.warn(`coordinator error (${msg.code}): ${msg.message}`, { code: msg.code, fields: msg.fields });
        return;
      case 'welcome':
        this.onWelcome(msg);
        return;
    }
    this.wake();
  }

  /**
   * Stops running items (each checkpoints), ends the loop; returns the replicas kept for the next
   * start (suspended) and those given back (`abandon`).
   */
  async stop(o: { abandon: boolean } = { abandon: false }): Promise<StopOutcome> {
    this.state = 'stopping';
    this.stopController.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.tasks]);
    const outcome = await this.hand.stop(o);
    await this.d.reporter.flush();
    this.d.reporter.close();
    return outcome;
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private applyConfig(config: AgentConfig): void {
    const before = this.checkpointEveryMs();
    this.remote = config;
    this.d.heat.setIntensity(config.intensity);
    if (this.checkpointEveryMs() !== before) this.hand.setCheckpointEvery(this.checkpointEveryMs());
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.hand.fill(this.d.heat.slots);
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
    if (this.finish) return this.nextFinishing(now);
    if (!this.session) return ['offline', undefined];
    const slots = this.d.heat.slots;
    if (this.remote?.paused || slots === 0) return ['paused', undefined];
    if (this.requestSentAt !== null) {
      const left = this.requestSentAt + timing.replyTimeoutMs - now;
      if (left > 0) return ['requesting', left];
      this.d.log.warn('no reply to request_work; asking again');
      this.requestSentAt = null;
    }
    if (now < this.retryAt) return ['backing_off', this.retryAt - now];
    // Keep about one packet (two rounds of slots) in hand; ask when less than a round is queued.
    if (this.hand.queued < slots) {
      const max = Math.min(1000, 2 * slots - this.hand.queued);
      const rid = nextRequestId();
      if (this.d.send({ type: 'request_work', max, rid })) {
        this.requestSentAt = now;
        this.d.log.debug(`requested work max=${max} rid=${rid}`, { rid });
        return ['requesting', timing.replyTimeoutMs];
      }
    }
    return ['idle', undefined];
  }

  /**
   * Finish mode: no new requests. Work in hand — including a packet answering a request sent
   * before, still on its way or being verified — is run; once nothing is held and every result is
   * acknowledged (or there is no session to send them on), pause or exit.
   */
  private nextFinishing(now: number): [LoopState, number | undefined] {
    const f = this.finish!;
    if (this.requestSentAt !== null && now - this.requestSentAt > this.d.settings.timing.replyTimeoutMs) this.requestSentAt = null;
    const awaiting = this.session && (this.requestSentAt !== null || this.tasks.size > 0);
    const inHand = this.hand.replicaIds().length;
    const unacked = this.session ? this.d.outbox.size : 0;
    if (inHand > 0 || unacked > 0 || awaiting) {
      f.done = false;
      return ['finishing', awaiting ? this.d.settings.timing.replyTimeoutMs : undefined];
    }
    if (!f.done) {
      f.done = true;
      this.d.log.info(`finished the work in hand; ${f.exitAfter ? 'stopping' : 'paused (nfl-agent finish --cancel carries on)'}`);
      if (f.exitAfter) this.d.onFinishedExit?.();
    }
    return ['paused', undefined];
  }

  private async acceptWork(jws: string, rid: string | undefined): Promise<void> {
    const { log } = this.d;
    const check = await checkWorkPacket(jws, this.d.keys, this.d.hostId, log);
    // Only now is the request answered: asking again while a packet is being verified over-asks.
    this.requestSentAt = null;
    if (!check.ok) {
      this.d.errors.report(null, 'work_rejected', `work packet refused (${check.code}): ${check.message}`);
      // A coordinator that keeps sending packets we refuse must not get a tight request loop.
      const ms = backoffDelay(this.refusals++, { initialMs: 1000, maxMs: 60_000 });
      this.retryAt = Date.now() + ms;
      log.info(`asking for work again in ${ms}ms after a refused packet`);
    } else {
      this.refusals = 0;
      this.retryAt = 0;
      const fresh = await this.hand.accept(check.claims.items, new Set(this.holding()));
      log.info(`queued replicas=${fresh.map((i) => i.replicaId).join(',') || '-'} queue=${this.hand.queued} running=${this.hand.runningCount}`, {
        rid: rid ?? null, replicas: fresh.map((i) => i.replicaId), wus: fresh.map((i) => i.wuId),
      });
    }
    this.wake();
  }

  /** Keeps a background task where stop() can await it; rings the loop when it ends. */
  private track(p: Promise<unknown>): void {
    const task: Promise<void> = p.then(() => undefined, (e) => this.d.log.error(describe(e))).finally(() => {
      this.tasks.delete(task);
      this.wake();
    });
    this.tasks.add(task);
  }
}
