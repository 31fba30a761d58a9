import type { Backend } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { AgentSettings } from './config';
import type { ControlRequest, ControlWatcher } from './control';
import type { CreditTally } from './credit';
import { describe } from './errors';
import type { HeatControl } from './heat';
import type { Monitor } from './monitor';
import type { Outbox } from './outbox';
import { isSea } from './sea';
import { writeStatus, type AgentStatus } from './status-file';
import type { TtyView } from './tty-view';
import { sleep } from './waits';
import type { WorkLoop } from './work-loop';

/*
 * Once a second: the agent's state goes to status.json (for `nfl-agent status`) and to the
 * terminal view, and control.json is checked for a `finish` request.
 */

export interface StatusSources {
  settings: AgentSettings;
  hostId: string;
  backend: Backend;
  startedAt: string;
  connected(): boolean;
  loop: WorkLoop;
  heat: HeatControl;
  monitor: Monitor;
  outbox: Outbox;
  credit: CreditTally;
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
    backend: s.backend,
    finishing: s.loop.finishing,
    readings: m.readings,
    onBattery: m.onBattery,
    idle: m.idle,
    cpuShare: m.cpuShare,
    items: s.loop.hand.statuses(),
    outbox: s.outbox.size,
    credit: { accepted: s.credit.accepted, claimed: s.credit.claimed, granted: s.credit.granted, valid: s.credit.valid, invalid: s.credit.invalid },
  };
}

export async function statusLoop(
  s: StatusSources,
  o: { view: TtyView | null; control: ControlWatcher; onControl(req: ControlRequest): void; log: Logger },
  signal: AbortSignal,
): Promise<void> {
  let warned = false;
  do {
    const status = buildStatus(s);
    o.view?.render(status);
    try {
      await writeStatus(s.settings.dataDir, status);
      warned = false;
    } catch (e) {
      if (!warned) o.log.warn(`cannot write status.json: ${describe(e)}`);
      warned = true;
    }
    const req = await o.control.poll();
    if (req) o.onControl(req);
  } while (await sleep(s.settings.timing.statusMs, signal));
}
