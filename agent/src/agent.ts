import { join } from 'node:path';
import { listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import { importPrivate } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/util/log';
import { measureFlops } from './benchmark';
import type { AgentSettings } from './config';
import { agentSocketUrl, Connection } from './connection';
import { readHardware, SensorReader } from './hardware';
import { HeatControl } from './heat';
import { ensureIdentity } from './identity';
import { InputStore } from './inputs';
import { Outbox } from './outbox';
import { ResultReporter } from './reporter';
import { coordinatorKeys } from './verify-work';
import { WorkLoop } from './work-loop';

/*
 * The composition root: resolves the host's identity (enrolling on first run), measures the
 * machine, opens the outbox, and wires connection, work loop and reporter together.
 */

export interface RunningAgent {
  readonly hostId: string;
  /** Aborts running items, sends finished results and `bye`, closes the socket. */
  stop(reason: string): Promise<void>;
}

export async function startAgent(settings: AgentSettings, log: Logger): Promise<RunningAgent> {
  if (settings.fault) log.warn(`FAULT DRILL ACTIVE (NFL_AGENT_FAULT=${settings.fault}): every result this agent reports is deliberately wrong`);
  const hardware = await readHardware();
  const identity = await ensureIdentity(settings, hardware, log);
  const hostId = identity.hostId;
  const hostKey = await importPrivate(identity.privateJwk);
  const benchmarkFlops = measureFlops(settings.timing.benchmarkMs);
  log.info(`host=${hostId} ${hardware.cores} cores, ${hardware.memoryMb} MB, benchmark ${(benchmarkFlops / 1e9).toFixed(2)} GFLOPS/core`, {
    hostId, cpu: hardware.cpuModel, gpus: hardware.gpus.length, benchmarkFlops, dataDir: settings.dataDir,
  });

  const outbox = await Outbox.open(join(settings.dataDir, 'outbox'), log);
  const foreign = outbox.list().filter((e) => e.hostId !== hostId).map((e) => e.result.replicaId);
  if (foreign.length) {
    log.warn(`discarding ${foreign.length} outbox results computed under another host identity`, { replicas: foreign });
    await outbox.remove(foreign);
  }

  const heat = new HeatControl(settings.intensity, hardware.cores);
  let loop: WorkLoop | null = null;
  const connection = new Connection({
    url: agentSocketUrl(settings.coordinator),
    log,
    backoff: { initialMs: settings.timing.reconnectInitialMs, maxMs: settings.timing.reconnectMaxMs },
    welcomeTimeoutMs: settings.timing.replyTimeoutMs,
    hello: async () => ({
      type: 'hello',
      token: identity.credential,
      agentVersion: settings.agentVersion,
      hardware,
      kernels: listKernels().map(kernelRef),
      intensity: loop!.intensity(),
      backend: 'cpu',
      benchmarkFlops,
      holding: loop!.holding(),
    }),
    onWelcome: (msg) => loop!.onWelcome(msg),
    onMessage: (msg) => loop!.onMessage(msg),
    onDisconnect: () => loop!.onDisconnect(),
  });
  const send = connection.send.bind(connection);
  const reporter = new ResultReporter({ outbox, hostId, key: hostKey, send, log });
  loop = new WorkLoop({
    settings,
    hostId,
    keys: coordinatorKeys(settings.coordinator),
    inputs: new InputStore({ dataDir: settings.dataDir, coordinator: settings.coordinator, credential: identity.credential, log }),
    outbox,
    reporter,
    sensors: new SensorReader(),
    heat,
    send,
    log,
  });

  log.info(`connecting to ${settings.coordinator} as host=${hostId} intensity=${settings.intensity} slots=${heat.slots}`);
  loop.start();
  connection.start();

  const workLoop = loop;
  return {
    hostId,
    async stop(reason) {
      const abandon = await workLoop.stop();
      await connection.close({ type: 'bye', reason, abandon });
      log.info(`agent stopped host=${hostId} abandoned=${abandon.join(',') || '-'} outbox=${outbox.size}`, { abandon, outbox: outbox.size });
    },
  };
}
