import type { Backend } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { AgentSettings } from '../config';
import { describe } from '../errors';
import type { HeatControl } from '../heat/heat';
import type { Monitor } from '../heat/monitor';
import type { CreditTally } from '../link/credit';
import type { Outbox } from '../link/outbox';
import { isSea } from '../sea';
import { sleep } from '../waits';
import type { WorkInHand } from '../work/work-in-hand';
import type { WorkLoop } from '../work/work-loop';
import type { ControlRequest, ControlWatcher } from './control';
import { writeStatus, type AgentStatus, type ItemStatus } from './status-file';
import type { TtyView } from './tty-view';

/*
 * Once a second: control.json is checked for a request (carried out before the status is
 * written, so the status names it as answered), then the agent's state goes to status.json (for
 * `nfl-agent status`) and to the terminal view.
 */

export interface StatusSources {
  settings: AgentSettings;
  hostId: string;
  /** The TensorFlow.js backend reported (heat/backend.ts). */
  backend(): Backend;
  startedAt: string;
  connected(): boolean;
  loop: WorkLoop;
  heat: HeatControl;
  monitor: Monitor;
  outbox: Outbox;
  credit: CreditTally;
  /** The code of the coordinator's last refusal of hello (connection.ts). */
  refused(): string | null;
  /** The last control request carried out. */
  answered(): string | null;
}

export function buildStatus(s: StatusSources): AgentStatus {
  const plan = s.heat.plan();
  const m = s.monitor.latest;
  return {
    v: 1,
    pid: process.pid,
    version: s.settings.agentVersion,
    packaged: isSea(),
    startedAt: s.startedAt,
    updatedAt: new Date().toISOString(),
    hostId: s.hostId,
    name: s.settings.name,
    coordinator: s.settings.coordinator,
    connected: s.connected(),
    loopState: s.loop.state,
    intensity: {
      chosen: plan.chosen, effective: plan.effective, threads: plan.threads, duty: plan.workerDuty, target: plan.target,
      stepDown: plan.stepDown, pausedBy: plan.pausedBy,
    },
    backend: s.backend(),
    finishing: s.loop.finishing,
    adminPaused: s.loop.adminPaused,
    refused: s.refused(),
    answered: s.answered(),
    readings: m.readings,
    onBattery: m.onBattery,
    idle: m.idle,
    cpuShare: m.cpuShare,
    items: itemStatuses(s.loop.hand),
    outbox: s.outbox.size,
    credit: { accepted: s.credit.accepted, claimed: s.credit.claimed, granted: s.credit.granted, valid: s.credit.valid, invalid: s.credit.invalid },
  };
}

/** Running, then queued items, as status.json and the terminal view show them. */
export function itemStatuses(hand: Pick<WorkInHand, 'runningItems' | 'queuedItems'>, now = Date.now()): ItemStatus[] {
  const running: ItemStatus[] = hand.runningItems().map((r) => {
    const elapsed = Math.max(0, (now - r.startedAt) / 1000);
    // The pace of this run: steps done here (past the checkpoint it resumed from) per second.
    const done = r.step - (r.resumedFrom ?? 0);
    const eta = done > 0 && r.totalSteps > 0 ? ((r.totalSteps - r.step) * elapsed) / done : null;
    return {
      replicaId: r.item.replicaId, wuId: r.item.wuId, kernel: r.item.kernel, state: r.suspended ? 'suspended' : 'running',
      step: r.step, totalSteps: r.totalSteps, percent: r.totalSteps > 0 ? Math.min(100, (100 * r.step) / r.totalSteps) : 0, resumedFrom: r.resumedFrom,
      elapsedSeconds: elapsed, etaSeconds: eta, deadline: new Date(r.item.deadline).toISOString(),
    };
  });
  const queued: ItemStatus[] = hand.queuedItems().map((i) => ({
    replicaId: i.replicaId, wuId: i.wuId, kernel: i.kernel, state: 'queued', step: 0, totalSteps: 0, percent: 0, resumedFrom: null,
    elapsedSeconds: null, etaSeconds: null, deadline: new Date(i.deadline).toISOString(),
  }));
  return [...running, ...queued];
}

export async function statusLoop(
  s: StatusSources,
  o: { view: TtyView | null; control: ControlWatcher; onControl(req: ControlRequest): void; log: Logger },
  signal: AbortSignal,
): Promise<void> {
  let warned = false;
  do {
    const req = await o.control.poll();
    if (req) o.onControl(req);
    const status = buildStatus(s);
    o.view?.render(status);
    try {
      await writeStatus(s.settings.dataDir, status);
      warned = false;
    } catch (e) {
      if (!warned) o.log.warn(`cannot write status.json: ${describe(e)}`);
      warned = true;
    }
  } while (await sleep(s.settings.timing.statusMs, signal));
}
