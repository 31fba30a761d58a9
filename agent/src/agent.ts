import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import { signCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import type { Backend } from '@nfl-grid/shared/protocol/host-report';
import { handleIntensitySignals } from './cli/signals';
import { CheckpointStore } from './disk/checkpoint-store';
import { lockDataDir } from './disk/data-lock';
import { WorkStore } from './disk/work-store';
import { chooseBackend } from './heat/backend';
import { tfLoadFor } from './heat/tf-load';
import { measureFlops } from './heat/benchmark';
import { readHardware, SensorReader } from './heat/hardware';
import { HeatControl, stepIntensity } from './heat/heat';
import { IdleReader } from './heat/idle';
import { Monitor } from './heat/monitor';
import { fetchCheckpoint } from './link/checkpoint-fetch';
import { agentSocketUrl, Connection } from './link/connection';
import { CreditTally } from './link/credit';
import { ensureIdentity } from './link/enrollment';
import { ErrorReports } from './link/error-reports';
import { saveIdentity } from './link/identity-file';
import { Outbox } from './link/outbox';
import { ResultReporter } from './link/reporter';
import { ControlWatcher, type ControlCommand } from './status/control';
import { keyCommand } from './status/keys';
import { saveFlagSettings, type AgentSettings } from './config';
import { writeStatus } from './status/status-file';
import { buildStatus, statusLoop } from './status/status-loop';
import type { TtyView } from './status/tty-view';
import { bundledDataIndex } from './work/data-index';
import { InputStore } from './work/inputs';
import { progressLoop } from './work/progress';
import { coordinatorKeys } from './work/verify-work';
import { WorkInHand } from './work/work-in-hand';
import { WorkLoop } from './work/work-loop';
import { WorkerPool } from './work/worker-pool';

/*
 * The composition root: locks the data folder, resolves the host's identity (enrolling on first
 * run), measures the machine, picks a compute backend, opens the outbox and the work kept from an
 * earlier run, and wires connection, work loop, heat control, monitor and status together.
 */

export interface RunningAgent {
  readonly hostId: string;
  /**
   * Checkpoints and stops running items, sends finished results, `suspend` (the work kept for
   * the next start) and `bye`, closes the socket. With `abandon` the work in hand is given back.
   */
  stop(reason: string, abandon?: boolean): Promise<void>;
}

export interface AgentOptions {
  view: TtyView | null;
  /** `nfl-agent finish --exit` finished the work in hand, or `nfl-agent quit` (`abandon`: give it back). */
  requestStop(reason: string, abandon?: boolean): void;
}

export async function startAgent(settings: AgentSettings, log: Logger, o: AgentOptions): Promise<RunningAgent> {
  if (settings.fault) log.warn(`FAULT DRILL ACTIVE (NFL_AGENT_FAULT=${settings.fault}): every result this agent reports is deliberately wrong`);
  const startedAt = new Date().toISOString();
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  const unlock = await lockDataDir(settings.dataDir);
  try {
    return await compose(settings, log, o, startedAt, unlock);
  } catch (e) {
    await unlock();
    throw e;
  }
}

async function compose(settings: AgentSettings, log: Logger, o: AgentOptions, startedAt: string, unlock: () => Promise<void>): Promise<RunningAgent> {
  const hardware = await readHardware();
  const identity = await ensureIdentity(settings, hardware, log);
  const hostId = identity.hostId;
  const hostKey = await importPrivate(identity.privateJwk);
  // The coordinator renews the credential in a welcome now and then; the REST calls and the next
  // hello use the newest, and identity.json keeps it (written atomically) for the next start.
  let credential = identity.credential;
  const renewCredential = async (fresh: string) => {
    credential = fresh;
    try {
      await saveIdentity(settings.dataDir, { ...identity, credential: fresh });
      log.info('host credential renewed and stored');
    } catch (e) {
      log.error(`cannot store the renewed host credential (the old one works until it expires): ${(e as Error).message}`);
    }
  };
  const benchmarkFlops = measureFlops(settings.timing.benchmarkMs);
  const start = await chooseBackend(settings.dataDir, settings.intensity, log);
  const wasmDir = start.wasmDir;
  // What hello and the status report: the start-up choice, then what a worker last trained on.
  let backend: Backend = start.backend;
  log.info(`host=${hostId} ${hardware.cores} cores, ${hardware.memoryMb} MB, benchmark ${(benchmarkFlops / 1e9).toFixed(2)} GFLOPS/core, backend ${backend}`, {
    hostId, cpu: hardware.cpuModel, gpus: hardware.gpus.length, benchmarkFlops, backend, dataDir: settings.dataDir,
  });
  const index = bundledDataIndex();
  if (index) log.debug(`data index of this build: ${index.datasets.length} datasets (${index.builtAt})`);

  const outbox = await Outbox.open(join(settings.dataDir, 'outbox'), log);
  const foreign = outbox.list().filter((e) => e.hostId !== hostId).map((e) => e.result.replicaId);
  if (foreign.length) {
    log.warn(`discarding ${foreign.length} outbox results computed under another host identity`, { replicas: foreign });
    await outbox.remove(foreign);
  }
  const store = await WorkStore.open(join(settings.dataDir, 'work'), log);
  const checkpoints = new CheckpointStore(settings.dataDir, log);
  const credit = await CreditTally.open(settings.dataDir);
  const heat = new HeatControl(settings.intensity, hardware.cores);
  const pool = new WorkerPool(log, heat.plan().threads);
  heat.onChange(() => pool.setKeepIdle(Math.max(1, heat.plan().threads)));

  const connection = new Connection({
    url: agentSocketUrl(settings.coordinator),
    log,
    backoff: { initialMs: settings.timing.reconnectInitialMs, maxMs: settings.timing.reconnectMaxMs },
    welcomeTimeoutMs: settings.timing.replyTimeoutMs,
    signer: { hostId, key: hostKey },
  });
  const send = connection.send.bind(connection);
  const errors = new ErrorReports(send);
  const reporter = new ResultReporter({ outbox, hostId, key: hostKey, send, log, onAcknowledged: (a, r) => credit.onAck(a, r) });
  const inputs = new InputStore({ dataDir: settings.dataDir, coordinator: settings.coordinator, credential: () => credential, log });
  const hand = new WorkInHand({
    hostId, store, checkpoints, outbox, reporter, heat, errors, log,
    onFinished: (item) => credit.onFinished(item),
    runner: {
      inputs, pool, fault: settings.fault, log, upload: send,
      signCheckpoint: (c) => signCheckpoint(hostKey, { ...c, hostId }),
      tf: {
        load: () => tfLoadFor(wasmDir, heat.chosen),
        loaded: (b) => {
          if (b !== backend) log.info(`TensorFlow.js backend now ${b} (was ${backend}); reported from the next connection`);
          backend = b;
        },
      },
      fetchCheckpoint: (item) => fetchCheckpoint({ coordinator: settings.coordinator, credential }, item),
    },
  });
  const workLoop = new WorkLoop({
    settings, hostId, keys: coordinatorKeys(settings.coordinator), outbox, reporter, heat, hand, errors, send, log,
    onFinishedExit: () => o.requestStop('finish --exit: the work in hand is done'),
    onCredit: (results) => credit.onVerdicts(results),
  });
  await hand.restore();

  const monitor = new Monitor({
    heat, sensors: new SensorReader(), idle: new IdleReader(), rules: settings.rules, limits: settings.limits,
    busyThreads: () => hand.busyThreads(), sensorMs: settings.timing.sensorMs, cores: hardware.cores, log,
  });
  const control = new ControlWatcher(settings.dataDir);
  await control.clear();
  const stopSignals = handleIntensitySignals((delta, signal) => {
    const next = stepIntensity(heat.chosen, delta);
    log.info(`${signal}: intensity ${heat.chosen} -> ${next}`);
    heat.setIntensity(next);
  });

  // Commands from `nfl-agent intensity|pause|resume|finish|quit` (control.json) and the view's keys.
  const command = (c: ControlCommand, from: string) => {
    switch (c.kind) {
      case 'finish':
        return workLoop.setFinish({ exitAfter: c.exitAfter });
      case 'finish_cancel':
        return workLoop.setFinish(null);
      case 'intensity':
        log.info(`${from}: intensity ${heat.chosen} -> ${c.level}`);
        heat.setIntensity(c.level);
        // Remembered for the next start, as --intensity would be.
        void saveFlagSettings(settings, { intensity: c.level }).catch((e: unknown) => log.warn(`cannot save the intensity to config.json: ${(e as Error).message}`));
        return;
      case 'pause':
        log.info(`${from}: paused by the volunteer; running work is suspended (resume carries on)`);
        return heat.setPause('volunteer', 'by the volunteer (nfl-agent resume carries on)');
      case 'resume':
        if (heat.pausedBy().length) log.info(`${from}: resumed by the volunteer`);
        return heat.setPause('volunteer', null);
      case 'quit':
        return o.requestStop(`${from}: quit${c.abandon ? ' --abandon' : ''}`, c.abandon);
    }
  };
  let answered: string | null = null;
  o.view?.listenKeys((key) => {
    const c = keyCommand(key, heat.chosen);
    if (c) command(c, `key ${key}`);
  });

  const statusSources = {
    settings, hostId, backend: () => backend, startedAt, connected: () => connection.ready, loop: workLoop, heat, monitor, outbox, credit,
    refused: () => connection.refusedWith, answered: () => answered,
  };
  const background = new AbortController();
  const loops = Promise.all([
    monitor.run(background.signal),
    progressLoop({
      online: () => workLoop.online,
      intervalMs: () => workLoop.progressIntervalMs(),
      running: () => hand.runningItems(),
      intensity: () => workLoop.intensity(),
      readings: () => monitor.latest.readings,
    }, send, background.signal),
    statusLoop(statusSources, {
      view: o.view, control, log,
      onControl: (req) => {
        command(req.command, `nfl-agent ${req.command.kind.replace('_cancel', ' --cancel')}`);
        answered = req.id;
      },
    }, background.signal),
  ]);

  const plan = heat.plan();
  log.info(`connecting to ${settings.coordinator} as host=${hostId} intensity=${settings.intensity} threads=${plan.threads} duty=${Math.round(plan.duty * 100)}% slots=${plan.threads}`);
  workLoop.start();
  connection.start({
    hello: async () => ({
      type: 'hello',
      token: credential,
      agentVersion: settings.agentVersion,
      hardware,
      kernels: listKernels().map(kernelRef),
      intensity: workLoop.intensity(),
      backend,
      benchmarkFlops,
      holding: workLoop.holding(),
    }),
    onWelcome: (msg) => {
      if (msg.credential && msg.credential !== credential) void renewCredential(msg.credential);
      workLoop.onWelcome(msg);
    },
    onMessage: (msg) => workLoop.onMessage(msg),
    onDisconnect: () => workLoop.onDisconnect(),
  });

  return {
    hostId,
    async stop(reason, abandonWork = false) {
      stopSignals();
      const { suspended, abandoned: abandon } = await workLoop.stop({ abandon: abandonWork });
      await connection.close([
        ...(suspended.length ? [{ type: 'suspend' as const, replicaIds: suspended, reason }] : []),
        { type: 'bye', reason, abandon },
      ]);
      background.abort();
      await loops.catch(() => undefined);
      await pool.close();
      await credit.save();
      const last = { ...buildStatus(statusSources), connected: false, loopState: 'stopped' };
      o.view?.render(last);
      o.view?.close();
      await writeStatus(settings.dataDir, last).catch(() => undefined);
      await unlock();
      log.info(`agent stopped host=${hostId} suspended=${suspended.join(',') || '-'} abandoned=${abandon.join(',') || '-'} outbox=${outbox.size}`, { suspended, abandon, outbox: outbox.size });
    },
  };
}
