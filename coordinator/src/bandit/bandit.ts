import { randomBytes } from 'node:crypto';
import type { GuardrailTrip } from '@nfl-grid/shared/bandit/api';
import { Rng } from '@nfl-grid/shared/math/rng';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { GridEvents } from '../events';
import type { Db, Tx } from '../db/index';
import type { ClaimedReplica, ClaimingHost, ClaimPolicy } from '../queue/claim-work';
import { createCandidateCache, decideAndClaim, recordDecision } from './dispatch';
import { enforceGuardrails } from './guardrails';
import { dropCancelled, recordRewards } from './record-rewards';
import type { RewardFunction } from './reward';
import { readState, type BanditState } from './state';

/*
 * The bandit scheduler of one coordinator process, built once by the composition root
 * (coordinator.ts) and handed to the scheduler, the assimilator and the routes. It keeps nothing
 * that matters in memory: the strategy, arm statistics, caps and decisions are in the database,
 * shared by every coordinator. In memory are only a short cache of the state row and of
 * candidate arms, the seed source, and a queue that runs its own writes one job at a time:
 *   decisions each packet's decision row, written after the work is on its way
 *   upkeep    at most every checkIntervalMs (on a work request): sweep rewards the assimilator
 *             could not record yet, drop pulls of cancelled WUs, enforce the guardrails
 * Rewards are recorded by the assimilator, in its transaction (rewardsIn).
 */

const STATE_TTL_MS = 1000;

export interface Bandit {
  /** One decision and a claim for the host; [] when no arm has work it can take. */
  claim(host: ClaimingHost, max: number, policy: ClaimPolicy): Promise<ClaimedReplica[]>;
  /** Records the rewards of finished WUs (null: any still pending), in the bandit's queue. */
  recordRewards(wuIds: number[] | null): Promise<number>;
  /** Records the rewards of finished WUs inside the caller's transaction (the assimilator's). */
  rewardsIn(tx: Tx, wuIds: number[]): Promise<number>;
  /** Evaluates the guardrails now and acts on them. */
  checkGuardrails(): Promise<GuardrailTrip[]>;
  /** The state in force (cached for a second; `fresh` reads it now). */
  state(fresh?: boolean): Promise<BanditState>;
  /** Forget the cached state (after a change made through this process). */
  invalidate(): void;
  /** Resolves when queued decision, reward and upkeep work is done. */
  settled(): Promise<void>;
  /** Restarts the decision and reward streams from `seed` (tests replay a run exactly). */
  reseed(seed: number): void;
  /** Replaces the reward of every WU (null restores the default chain). Returns the previous one. */
  setRewardFunction(fn: RewardFunction | null): RewardFunction | null;
}

export interface BanditDeps {
  db: Db;
  log: Logger;
  events: GridEvents;
}

export interface BanditOptions {
  /** Seeds the decisions (default: random). Tests pass one to replay a run exactly. */
  seed?: number;
}

export function createBandit(deps: BanditDeps, opts: BanditOptions = {}): Bandit {
  const { db, log, events } = deps;
  // Decisions and the Bernoulli draws of rewards use separate streams, so reward timing cannot shift decisions.
  let decisionRng!: Rng;
  let rng!: Rng;
  const reseed = (seed: number) => {
    decisionRng = Rng.create(seed, 0);
    rng = Rng.create(seed, 1);
  };
  reseed(opts.seed ?? randomBytes(4).readUInt32LE(0));
  let rewardFn: RewardFunction | null = null;
  const candidates = createCandidateCache();
  let cached: { at: number; state: BanditState } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let lastUpkeep = 0;
  const warnTracker = (e: unknown) => log.warn('bandit: tracker rewards unavailable, using the fallback', { error: e as Error });

  /** Runs jobs one after another; a failing job is logged and does not stop the next. */
  function enqueue<T>(what: string, job: () => Promise<T>): Promise<T | undefined> {
    const run = queue.then(job).catch((e) => {
      log.error(`bandit: ${what} failed`, { error: e as Error });
      return undefined;
    });
    queue = run;
    return run;
  }

  async function state(fresh = false): Promise<BanditState> {
    if (!fresh && cached && Date.now() - cached.at < STATE_TTL_MS) return cached.state;
    const s = await readState(db);
    cached = { at: Date.now(), state: s };
    return s;
  }

  async function checkGuardrails(): Promise<GuardrailTrip[]> {
    const s = await state(true);
    const trips = await enforceGuardrails(db, s.limits);
    if (trips.length) {
      // The caps are committed now: candidates read while they were being written are stale.
      cached = null;
      candidates.forget();
      for (const t of trips) log.warn('bandit guardrail tripped', { arm: t.arm, kind: t.kind, value: t.value, limit: t.limit, actions: t.actions });
    }
    return trips;
  }

  /** Records rewards; new ones make the cached arm statistics stale, so the next decision reads them. */
  async function rewards(wuIds: number[] | null): Promise<number> {
    const n = await recordRewards(db, rng, wuIds, { rewardFn, onTrackerError: warnTracker });
    if (n > 0) candidates.forget();
    return n;
  }

  async function upkeep(): Promise<void> {
    await rewards(null);
    await dropCancelled(db);
    await checkGuardrails();
  }

  events.on('batch.finished', ({ state: s }) => {
    if (s === 'cancelled') void enqueue('dropping cancelled pulls', () => dropCancelled(db));
  });

  return {
    async claim(host, max, policy) {
      const s = await state();
      if (Date.now() - lastUpkeep >= s.limits.checkIntervalMs) {
        lastUpkeep = Date.now();
        void enqueue('upkeep', upkeep);
      }
      const ctx = { strategy: s.strategy, version: s.version, capWindow: s.limits.windowDecisions, nextSeed: () => decisionRng.nextU32(), candidates };
      const d = await decideAndClaim(db, host, max, policy, ctx);
      if (!d) return [];
      // Written off the dispatch path; the assimilator waits for this queue (settled) before it
      // records rewards, so a WU's decision is in first (upkeep sweeps any reward still missed).
      // The replicas are claimed either way: the work goes out even if the row cannot be written.
      void enqueue('recording a decision', () => recordDecision(db, host.hostId, ctx, d));
      return d.claimed;
    },
    recordRewards: (wuIds) => enqueue('recording rewards', () => rewards(wuIds)).then((n) => n ?? 0),
    async rewardsIn(tx, wuIds) {
      const n = await recordRewards(tx, rng, wuIds, { rewardFn });
      if (n > 0) candidates.forget();
      return n;
    },
    checkGuardrails: () => enqueue('guardrails', checkGuardrails).then((t) => t ?? []),
    state,
    invalidate: () => { cached = null; candidates.forget(); },
    async settled() {
      let q: Promise<unknown>;
      do {
        q = queue;
        await q;
      } while (q !== queue);
    },
    reseed,
    setRewardFunction(fn) {
      const prev = rewardFn;
      rewardFn = fn;
      return prev;
    },
  };
}

