import { listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import { startAgent } from '../agent';
import { AGENT_VERSION, resolveDataDir, resolveSettings, saveFlagSettings, type AgentSettings } from '../config';
import { processAlive } from '../disk/data-lock';
import { AgentError, ConfigError, describe } from '../errors';
import { isSea } from '../sea';
import { writeControl, type ControlCommand } from '../status/control';
import { describeIntensity, formatStatus, readStatus, type AgentStatus } from '../status/status-file';
import { agentLogger, TtyView } from '../status/tty-view';
import { sleep } from '../waits';
import { bundledDataIndex } from '../work/data-index';
import { parseCli, type Flags } from './cli-args';
import { USAGE } from './usage';
import { handleShutdownSignals } from './signals';

/*
 * `nfl-agent`: parses the command line, resolves the settings once, and runs the agent until
 * SIGINT/SIGTERM (or `finish --exit`, `quit`); `status`, `finish`, `intensity`, `pause`, `resume`
 * and `quit` talk to a running agent through its data folder. Exit status: 0 after a clean stop
 * (and for --help, --version and the commands),
 * 1 when the agent cannot start (enrollment refused, identity damaged, folder in use) or `status`
 * finds no agent state, 2 for bad flags or settings, 130 when forced by a second signal.
 */

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let settings: AgentSettings;
  let flags: Flags = {};
  try {
    const request = parseCli(argv);
    switch (request.kind) {
      case 'help':
        process.stdout.write(USAGE);
        return EXIT.ok;
      case 'version':
        process.stdout.write(`nfl-agent ${AGENT_VERSION}\n${request.verbose ? versionDetails() : ''}`);
        return EXIT.ok;
      case 'status':
        return await status(resolveDataDir(request.dataDir, env), request.json);
      case 'finish':
        return await finish(resolveDataDir(request.dataDir, env), request);
      case 'control':
        return await control(resolveDataDir(request.dataDir, env), request.command);
      case 'run':
        flags = request.flags;
        settings = await resolveSettings(request.flags, env, (msg) => process.stderr.write(`nfl-agent: ${msg}\n`));
    }
  } catch (e) {
    return fail(e);
  }

  const view = TtyView.wanted(settings.plain) ? new TtyView() : null;
  const log = agentLogger(view);
  const shutdown = handleShutdownSignals(log);
  try {
    const agent = await startAgent(settings, log, { view, requestStop: (reason, abandon) => shutdown.request(reason, abandon) });
    shutdown.arm((reason, abandon) => agent.stop(reason, abandon));
    await saveFlagSettings(settings, flags).catch((e: unknown) => log.warn(`cannot save the settings to config.json: ${describe(e)}`));
  } catch (e) {
    shutdown.dispose();
    if (e instanceof ConfigError) return fail(e);
    if (e instanceof AgentError) log.error(`cannot start (${e.code}): ${e.message}`, { code: e.code });
    else log.error(`cannot start: ${describe(e)}`, { stack: (e as Error)?.stack });
    return EXIT.failed;
  }
  const code = await shutdown.stopped;
  shutdown.dispose();
  return code;
}

function versionDetails(): string {
  const index = bundledDataIndex();
  return [
    `build     ${isSea() ? 'single executable' : 'source checkout'} on Node ${process.version} (${process.platform}/${process.arch})`,
    `kernels   ${listKernels().map(kernelRef).join(', ')}`,
    index
      ? `data      ${index.datasets.length} datasets indexed ${index.builtAt}:\n${index.datasets.map((d) => `          ${d.name} ${d.sha256.slice(0, 16)}… ${d.bytes} bytes`).join('\n')}`
      : 'data      no bundled data index (source checkout)',
  ].join('\n') + '\n';
}

/** `nfl-agent status`: the running agent's status.json, no coordinator needed. */
async function status(dataDir: string, json: boolean): Promise<number> {
  const s = await readStatus(dataDir);
  if (!s) {
    process.stderr.write(`nfl-agent: no agent state in ${dataDir} (has the agent run with this --data-dir?)\n`);
    return EXIT.failed;
  }
  const alive = processAlive(s.pid);
  process.stdout.write(json ? JSON.stringify({ ...s, running: alive }, null, 2) + '\n' : formatStatus(s, alive));
  return EXIT.ok;
}

/** `nfl-agent finish`: asks the running agent to finish (or carry on) and says what it answered. */
async function finish(dataDir: string, o: { exit: boolean; cancel: boolean }): Promise<number> {
  return control(dataDir, o.cancel ? { kind: 'finish_cancel' } : { kind: 'finish', exitAfter: o.exit });
}

/**
 * `nfl-agent finish|intensity|pause|resume|quit`: writes the request to control.json, waits until
 * the running agent's status.json names it as answered, and says what the agent does now.
 */
async function control(dataDir: string, command: ControlCommand): Promise<number> {
  const before = await readStatus(dataDir);
  if (!before || !processAlive(before.pid)) {
    process.stderr.write(`nfl-agent: no agent is running with ${dataDir}${command.kind === 'quit' && command.abandon ? ' (its work in hand is handed on when the coordinator\'s grace period runs out)' : ''}\n`);
    return EXIT.failed;
  }
  const id = await writeControl(dataDir, command);
  for (let i = 0; i < 100; i++) {
    const s = await readStatus(dataDir);
    if (s && s.answered === id) {
      if (command.kind === 'quit') await waitForExit(s.pid);
      process.stdout.write(`nfl-agent (pid ${s.pid}) ${answer(command, s)}\n`);
      return EXIT.ok;
    }
    await sleep(100);
  }
  process.stderr.write(`nfl-agent: asked pid ${before.pid} to ${command.kind.replace('_', ' ')}, but it has not answered yet\n`);
  return EXIT.failed;
}

function answer(c: ControlCommand, s: AgentStatus): string {
  const n = s.items.length;
  const units = `${n} work unit${n === 1 ? '' : 's'}`;
  switch (c.kind) {
    case 'finish':
      return `is finishing ${units} in hand and asks for no more; then it ${c.exitAfter ? 'stops' : 'pauses'}`;
    case 'finish_cancel':
      return 'carries on asking for work';
    case 'intensity':
      return `runs at intensity ${s.intensity.chosen} now (${describeIntensity(s)}); remembered for the next start`;
    case 'pause':
      return `is paused: ${units} in hand suspended, no new work asked for (nfl-agent resume carries on)`;
    case 'resume':
      return s.intensity.pausedBy.length ? `resumed, but is still paused: ${s.intensity.pausedBy.join('; ')}` : 'resumed';
    case 'quit':
      return c.abandon
        ? `stopped and gave back ${units}: the coordinator hands them on now`
        : `stopped; ${units} kept with their checkpoints: the coordinator holds them for this host until its grace period runs out, and the next start resumes them`;
  }
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 300 && processAlive(pid); i++) await sleep(100);
}

/** Prints a startup error for the person at the terminal and picks the exit status. */
function fail(e: unknown): number {
  if (e instanceof ConfigError) {
    process.stderr.write(`nfl-agent: ${e.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`nfl-agent: ${describe(e)}\n`);
  return EXIT.failed;
}
