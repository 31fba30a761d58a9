import { intOption, choiceOption } from '../args';
import type { Command } from '../command';

/*
 * `coordinator` and `start` run the server in this process (coordinator/src/serve.ts, loaded only
 * here so that client commands start fast). Both keep running until SIGINT/SIGTERM, which
 * main.ts handles.
 */

const forever = () => new Promise<never>(() => {});

export const coordinatorCommand: Command = {
  path: ['coordinator'],
  summary: 'run a coordinator (API, agent gateway, daemons) until Ctrl+C',
  usage: '[--port P] [--host H] [--data-dir D]',
  help: ['--port P   port to listen on (default 8787, env NFL_GRID_PORT)', '--host H   address to bind (default 127.0.0.1, env NFL_GRID_HOST)'],
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run(ctx) {
    const port = intOption(ctx.values, 'port', 0, 65535);
    const { runCoordinator } = await import('../../serve');
    await runCoordinator({ port, host: ctx.values.host as string | undefined, dataDir: ctx.values['data-dir'] as string | undefined });
    return forever();
  },
};

export const startCommand: Command = {
  path: ['start'],
  summary: 'run the whole grid on this machine: a coordinator, the standard jobs and one local agent',
  usage: '[--port P] [--data-dir D] [--intensity low|medium|high|inferno]',
  help: ['--intensity I   heat of the local agent (default medium)'],
  options: { port: { type: 'string' }, intensity: { type: 'string' } },
  async run(ctx) {
    const port = intOption(ctx.values, 'port', 0, 65535);
    const intensity = choiceOption(ctx.values, 'intensity', ['low', 'medium', 'high', 'inferno'] as const);
    const { runStandalone } = await import('../../serve');
    await runStandalone({ port, dataDir: ctx.values['data-dir'] as string | undefined, intensity });
    return forever();
  },
};
