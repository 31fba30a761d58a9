import { randomBytes } from 'node:crypto';
import type { GuardrailTrip } from '@nfl-grid/shared/bandit/api';
import { Rng } from '@nfl-grid/shared/math/rng';
import type { Grid } from '../grid';
import type { ClaimedReplica, ClaimingHost, ClaimPolicy } from '../queue/claim-work';
import { decideAndClaim, recordDecision } from './dispatch';
import { enforceGuardrails } from './guardrails';
import { dropCancelled, recordRewards } from './record-rewards';
import { forgetCandidates } from './dispatch';
import { readState, type BanditState } from './state';

/*
 * The bandit scheduler of one coordinator process, one per grid (banditOf). It keeps nothing
 * that matters in memory: the strategy, arm statistics, caps and decisions are in the database,
 * shared by every coordinator. In memory are only a short cache of the state row, the seed
 * source, and a queue that runs reward recording and upkeep one job at a time:
 *   rewards   on wu.validated / wu.failed, the WUs' rewards go into their arms
 *   decisions each packet's decision row, written after the work is on its way
 *   upkeep    at most every checkIntervalMs (on a work request): sweep rewards an event missed,
 *             drop pulls of cancelled WUs, enforce the guardrails
 */

const STATE_TTL_MS = 1000;

export interface Bandit {
  /** One decision and a claim for the host; [] when no arm has work it can take. */
  claim(host: ClaimingHost, max: number, policy: ClaimPolicy): Promise<ClaimedReplica[]>;
  /** Records the rewards of finished WUs (null: any still pending). */
  recordRewards(wuIds: number[] | null): Promise<number>;
  /** Evaluates the guardrails now and acts on them. */
  checkGuardrails(): Promise<GuardrailTrip[]>;
  /** The state in force (cached for a second; `fresh` reads it now). */
  state(fresh?: boolean): Promise<BanditState>;
  /** Forget the cached state (after a change made through this process). */
  invalidate(): void;
  /** Resolves when queued reward and upkeep work is done. */
  settled(): Promise<void>;
}

const bandits = new WeakMap<Grid, Bandit>();

export interface BanditOptions {
  /** Seeds the decisions (default: random). Tests pass one to replay a run exactly. */
  seed?: number;
}

/** The grid's bandit, created (and subscribed to the grid's events) on first use. */
export function banditOf(grid: Grid, opts: BanditOptions = {}): Bandit {
  let b = bandits.get(grid);
  if (b && opts.seed !== undefined) throw new Error('banditOf: the bandit of this grid already runs; seed it before its first use');
  if (!b) bandits.set(grid, (b = createBandit(grid, opts.seed ?? randomBytes(4).readUInt32LE(0))));
  return b;
}

function createBandit(grid: Grid, seed: number): Bandit {
  // Decisions and the Bernoulli draws of rewards use separate streams, so reward timing cannot shift decisions.
  const decisionRng = Rng.create(seed, 0);
  const rng = Rng.create(seed, 1);
  let cached: { at: number; state: BanditState } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let lastUpkeep = 0;
  const warnTracker = (e: unknown) => grid.log.warn('bandit: tracker rewards unavailable, using the fallback', { error: e as Error });

  /** Runs jobs one after another; a failing job is logged and does not stop the next. */
  function enqueue<T>(what: string, job: () => Promise<T>): Promise<T | undefined> {
    const run = queue.then(job).catch((e) => {
      grid.log.error(`bandit: ${what} failed`, { error: e as Error });
      return undefined;
    });
    queue = run;
    return run;
  }

  async function state(fresh = false): Promise<BanditState> {
    if (!fresh && cached && Date.now() - cached.at < STATE_TTL_MS) return cached.state;
    const s = await readState(grid.db);
    cached = { at: Date.now(), state: s };
    return s;
  }

  async function checkGuardrails(): Promise<GuardrailTrip[]> {
    const s = await state(true);
    const trips = await enforceGuardrails(grid.db, s.limits);
    if (trips.length) {
      // The caps are committed now: candidates read while they were being written are stale.
      cached = null;
      forgetCandidates();
      for (const t of trips) grid.log.warn('bandit guardrail tripped', { arm: t.arm, kind: t.kind, value: t.value, limit: t.limit, actions: t.actions });
    }
    return trips;
  }

  /** Records rewards; new ones make the cached arm statistics stale, so the next decision reads them. */
  async function rewards(wuIds: number[] | null): Promise<number> {
    const n = await recordRewards(grid.db, rng, wuIds, warnTracker);
    if (n > 0) forgetCandidates();
    return n;
  }

  async function upkeep(): Promise<void> {
    await rewards(null);
    await dropCancelled(grid.db);
    await checkGuardrails();
  }

  const onFinished = ({ wuIds }: { wuIds: number[] }) => void enqueue('recording rewards', () => rewards(wuIds));
  grid.events.on('wu.validated', onFinished);
  grid.events.on('wu.failed', onFinished);
  grid.events.on('batch.finished', ({ state: s }) => {
    if (s === 'cancelled') void enqueue('dropping cancelled pulls', () => dropCancelled(grid.db));
  });

  return {
    async claim(host, max, policy) {
      const s = await state();
      if (Date.now() - lastUpkeep >= s.limits.checkIntervalMs) {
        lastUpkeep = Date.now();
        void enqueue('upkeep', upkeep);
      }
      const ctx = { strategy: s.strategy, version: s.version, capWindow: s.limits.windowDecisions, nextSeed: () => decisionRng.nextU32() };
      const d = await decideAndClaim(grid.db, host, max, policy, ctx);
      if (!d) return [];
      // Written off the dispatch path, in the same queue as rewards, so a WU's decision is in
      // before its reward is recorded here (upkeep sweeps rewards another coordinator missed).
      // The replicas are claimed either way: the work goes out even if the row cannot be written.
      void enqueue('recording a decision', () => recordDecision(grid.db, host.hostId, ctx, d));
      return d.claimed;
    },
    recordRewards: (wuIds) => enqueue('recording rewards', () => rewards(wuIds)).then((n) => n ?? 0),
    checkGuardrails: () => enqueue('guardrails', checkGuardrails).then((t) => t ?? []),
    state,
    invalidate: () => { cached = null; forgetCandidates(); },
    async settled() {
      let q: Promise<unknown>;
      do {
        q = queue;
        await q;
      } while (q !== queue);
    },
  };
}

