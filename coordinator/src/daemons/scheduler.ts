import type { Grid } from '../grid';
import type { AgentSession } from '../gateway/agent-session';
import { sendWork } from '../gateway/send-work';
import { claimWork, type ClaimedReplica } from '../queue/claim-work';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { createClaimGate } from './claim-gate';
import { createDaemonLoop, type DaemonLoop } from './daemon-loop';

/*
 * The scheduler hands work to agents: at once when they ask, and, when they asked and got
 * nothing, as soon as work appears (wake). Idle agents wait in arrival order; a wake serves
 * them in that order until the queue runs dry. Which kind of work a packet holds is the bandit's
 * decision (grid.bandit, built by the composition root): one arm (kernel) per packet.
 */
export interface Scheduler {
  /** Claims and sends up to `max` replicas; false when there was nothing (the agent is now idle). */
  /** `rid`: the request's id, repeated on the answer and logged (protocol RequestId). */
  requestWork(session: AgentSession, max: number, rid?: string): Promise<boolean>;
  forget(hostId: string): void;
  wake(): void;
  idleCount(): number;
  /** Stops the wake-up loop (after the drain under way). */
  stop(): Promise<void>;
  /** The wake-up loop, for /readyz and /metrics. */
  readonly loop: DaemonLoop;
}

export function createScheduler(grid: Grid): Scheduler {
  const idle = new Map<string, { session: AgentSession; max: number; rid?: string }>();
  const bandit = grid.bandit;
  const gate = createClaimGate(grid.config.work.concurrentClaims);
  const policy = {
    trustStreak: grid.config.reliability.trustStreak,
    trustMaxErrorRate: grid.config.reliability.trustMaxErrorRate,
    spotCheckRate: grid.config.reliability.spotCheckRate,
    maxSoloPerCore: grid.config.reliability.maxSoloPerCore,
    trustedWaitSeconds: grid.config.collusion.trustedWaitSeconds,
    quota: grid.config.work.quota,
  };

  /** The bandit picks the arm (kernel) and claims from it; if the bandit fails, plain claiming keeps the grid going. */
  async function claim(session: AgentSession, max: number): Promise<ClaimedReplica[]> {
    try {
      return await bandit.claim(session, max, policy);
    } catch (e) {
      grid.log.component('scheduler').error('bandit decision failed; claiming without it', { error: e as Error, host: session.hostId });
      return claimWork(grid.db, session, max, policy);
    }
  }

  async function serve(session: AgentSession, max: number, askedAt: number, rid?: string): Promise<boolean> {
    if (session.paused || session.closed) return false;
    const claimed = await gate.run(() => claim(session, Math.min(max, grid.config.work.maxPacket)));
    if (claimed.length === 0) return false;
    if (await sendWork(grid, session, claimed, rid)) {
      grid.metrics.dispatched(claimed.length, (performance.now() - askedAt) / 1000);
    } else {
      // The agent left while we claimed: give the replicas back now rather than at the deadline.
      await recordReplicaFailures(grid.db, session.hostId, claimed.map((c) => ({ replicaId: c.replica_id, state: 'abandoned', code: 'disconnected', message: 'agent disconnected before the work was sent' })));
    }
    return true;
  }

  /**
   * Serves every idle agent once, in arrival order. It returns 0 whatever it sent, so the loop
   * waits for the next wake-up: agents still idle could not take this work, and only new work
   * (a wake) can change that.
   */
  async function drainIdle(): Promise<number> {
    const woken = performance.now();
    for (const [hostId, { session, max, rid }] of [...idle]) {
      if (!idle.has(hostId)) continue;
      // an idle agent's wait for work is not dispatch latency: time it from the wake-up
      const sent = await serve(session, max, woken, rid);
      // An agent that got nothing stays idle: others may still take what it cannot (another
      // replica of a WU it already holds, GPU work, more memory).
      if (sent || session.closed) idle.delete(hostId);
    }
    return 0;
  }

  // Wake-ups only: no interval, since an agent with nothing to do asks again by itself.
  const loop = createDaemonLoop('scheduler', null, drainIdle, grid.log, grid.metrics.daemonPass);
  loop.start();

  return {
    async requestWork(session, max, rid) {
      idle.delete(session.hostId);
      const sent = await serve(session, max, performance.now(), rid);
      if (!sent && !session.closed) idle.set(session.hostId, { session, max, rid });
      return sent;
    },
    forget: (hostId) => void idle.delete(hostId),
    idleCount: () => idle.size,
    wake: () => loop.wake(),
    stop: () => loop.stop(),
    loop,
  };
}
