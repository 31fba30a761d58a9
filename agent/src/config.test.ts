import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCli, type Flags } from './cli/cli-args';
import { AGENT_VERSION, endpoint, resolveSettings, saveFlagSettings } from './config';
import { ConfigError } from './errors';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'bin/nfl-agent.mjs');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (flags: Flags, env: NodeJS.ProcessEnv = {}) => resolveSettings({ dataDir: dir, ...flags }, env);

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ConfigError);
  expect((e as ConfigError).code).toBe(code);
  expect((e as ConfigError).message).toMatch(message);
}

describe('resolveSettings', () => {
  it('prefers flags over env over config.json', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ coordinator: 'http://file:1', intensity: 'low', name: 'from-file', token: 'file-token' }));
    const fromFile = await run({});
    expect(fromFile).toMatchObject({ coordinator: 'http://file:1', intensity: 'low', name: 'from-file', token: 'file-token', dataDir: dir });

    const env = { NFL_AGENT_COORDINATOR: 'http://env:2/', NFL_AGENT_INTENSITY: 'high', NFL_AGENT_TOKEN: 'env-token' };
    expect(await run({}, env)).toMatchObject({ coordinator: 'http://env:2', intensity: 'high', token: 'env-token', name: 'from-file' });

    const flags = { coordinator: 'https://flag.example/grid/', intensity: 'inferno', token: 'flag-token', name: 'flagged' };
    expect(await run(flags, env)).toMatchObject({ coordinator: 'https://flag.example/grid', intensity: 'inferno', token: 'flag-token', name: 'flagged' });
  });

  it('takes the data dir from the flag, then NFL_AGENT_DATA_DIR', async () => {
    const other = join(dir, 'other');
    const s = await resolveSettings({ coordinator: 'http://c:1' }, { NFL_AGENT_DATA_DIR: other });
    expect(s.dataDir).toBe(other);
    expect((await resolveSettings({ coordinator: 'http://c:1', dataDir: dir }, { NFL_AGENT_DATA_DIR: other })).dataDir).toBe(dir);
  });

  it('defaults to medium intensity, no token, no fault', async () => {
    const s = await run({ coordinator: 'http://c:1' }, { NFL_AGENT_TOKEN: '' });
    expect(s).toMatchObject({ intensity: 'medium', token: null, fault: null, agentVersion: AGENT_VERSION });
    expect(s.name.length).toBeGreaterThan(0);
  });

  it('falls back on the coordinator this data folder enrolled with', async () => {
    await writeFile(join(dir, 'identity.json'), JSON.stringify({ coordinator: 'http://enrolled:9' }));
    expect((await run({})).coordinator).toBe('http://enrolled:9');
  });

  it('takes the websocket URL the coordinator prints as its http(s) base URL, and says which to give', async () => {
    const notes: string[] = [];
    const take = (coordinator: string) => resolveSettings({ dataDir: dir, coordinator }, {}, (m) => notes.push(m)).then((s) => s.coordinator);
    expect(await take('ws://127.0.0.1:8787/agent')).toBe('http://127.0.0.1:8787');
    expect(await take('wss://grid.example.org/agent/')).toBe('https://grid.example.org');
    expect(await take('wss://grid.example.org/nfl/agent')).toBe('https://grid.example.org/nfl');
    expect(await take('ws://c:1')).toBe('http://c:1');
    expect(notes[0]).toBe("coordinator from --coordinator is the agents' websocket URL; using http://127.0.0.1:8787 (give that next time)");
    expect(notes).toHaveLength(4);
    expect(await take('http://c:1/agent')).toBe('http://c:1/agent'); // an http path is the user's own prefix
    expect(notes).toHaveLength(4);
  });

  it('refuses bad values with clear messages', async () => {
    await rejectsWith(run({ coordinator: 'http://c:1', intensity: 'hot' }), 'bad_value', /intensity must be one of low, medium, high, inferno, got "hot"/);
    await rejectsWith(run({ coordinator: 'ftp://c' }), 'bad_value', /must be http:\/\/ or https:\/\//);
    await rejectsWith(run({ coordinator: 'not a url' }), 'bad_value', /not a URL/);
    await rejectsWith(run({ coordinator: '  ' }), 'bad_value', /coordinator from --coordinator is empty/);
    await rejectsWith(run({}), 'missing_coordinator', /pass --coordinator/);
    await rejectsWith(run({ coordinator: 'http://c:1' }, { NFL_AGENT_FAULT: 'explode' }), 'bad_value', /NFL_AGENT_FAULT must be one of wrong-output/);
  });

  it('refuses a damaged or misspelt config.json', async () => {
    await writeFile(join(dir, 'config.json'), '{ nope');
    await rejectsWith(run({ coordinator: 'http://c:1' }), 'bad_config_file', /is not valid JSON/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ intensitty: 'low' }));
    await rejectsWith(run({ coordinator: 'http://c:1' }), 'bad_config_file', /intensitty/);
  });

  it('builds endpoints under a path prefix', () => {
    expect(endpoint('http://c:1', 'api/v1/x').href).toBe('http://c:1/api/v1/x');
    expect(endpoint('https://c/grid', '/.well-known/jwks.json').href).toBe('https://c/grid/.well-known/jwks.json');
  });

  it('keeps AGENT_VERSION equal to agent/package.json', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'agent/package.json'), 'utf8')) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
  });
});

describe('resolveSettings: heat, rules and checkpoints', () => {
  it('defaults: limits 90 °C / 85 °C / 90 % with 5/5 hysteresis, pause on battery, no window, no idle rule', async () => {
    const s = await run({ coordinator: 'http://c:1' });
    expect(s.limits).toMatchObject({ cpuTempC: 90, gpuTempC: 85, memoryPct: 90, tempHysteresisC: 5, memoryHysteresisPct: 5 });
    expect(s.rules).toEqual({ windows: [], pauseOnBattery: true, idleMinutes: 0 });
    expect(s.checkpointIntervalSeconds).toBeNull();
    expect(s.plain).toBe(false);
  });

  it('reads them from flags, env and config.json in that order', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({
      coordinator: 'http://c:1', runWindow: '01:00-02:00', idleMinutes: 3, onBattery: 'run', maxCpuTemp: 80, maxMemory: '85', checkpointInterval: 12,
    }));
    expect(await run({})).toMatchObject({
      rules: { windows: [{ text: '01:00-02:00' }], pauseOnBattery: false, idleMinutes: 3 },
      limits: { cpuTempC: 80, memoryPct: 85 }, checkpointIntervalSeconds: 12,
    });
    const env = { NFL_AGENT_RUN_WINDOW: '22:00-07:00', NFL_AGENT_MAX_CPU_TEMP: '75', NFL_AGENT_CHECKPOINT_INTERVAL: '0.5' };
    expect(await run({}, env)).toMatchObject({ rules: { windows: [{ text: '22:00-07:00' }] }, limits: { cpuTempC: 75 }, checkpointIntervalSeconds: 0.5 });
    const flags = { runWindow: 'always', maxCpuTemp: '70', tempHysteresis: '8', onBattery: 'pause', plain: true };
    expect(await run(flags, env)).toMatchObject({ rules: { windows: [], pauseOnBattery: true }, limits: { cpuTempC: 70, tempHysteresisC: 8 }, plain: true });
  });

  it('refuses bad heat and rule values, naming where they came from', async () => {
    await rejectsWith(run({ coordinator: 'http://c:1', runWindow: '22-07' }), 'bad_value', /run window "22-07" is not HH:MM-HH:MM .*from --run-window/);
    await rejectsWith(run({ coordinator: 'http://c:1', onBattery: 'maybe' }), 'bad_value', /on-battery from --on-battery must be pause or run/);
    await rejectsWith(run({ coordinator: 'http://c:1' }, { NFL_AGENT_MAX_CPU_TEMP: 'hot' }), 'bad_value', /max CPU temperature from NFL_AGENT_MAX_CPU_TEMP must be a number from 30 to 120/);
    await rejectsWith(run({ coordinator: 'http://c:1', checkpointInterval: '0' }), 'bad_value', /checkpoint interval/);
    await rejectsWith(run({ coordinator: 'http://c:1', idleMinutes: '-1' }), 'bad_value', /idle minutes/);
  });
});

describe('parseCli', () => {
  it('reads every flag', () => {
    expect(parseCli(['--coordinator', 'http://c', '--token', 't', '--intensity', 'low', '--data-dir', '/d', '--name', 'n'])).toEqual({
      kind: 'run', flags: { coordinator: 'http://c', token: 't', intensity: 'low', dataDir: '/d', name: 'n' },
    });
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['--version'])).toEqual({ kind: 'version', verbose: false });
  });

  it('reads the commands and the flags that go with them', () => {
    expect(parseCli(['status', '--data-dir', '/d', '--json'])).toEqual({ kind: 'status', dataDir: '/d', json: true });
    expect(parseCli(['status'])).toEqual({ kind: 'status', dataDir: undefined, json: false });
    expect(parseCli(['finish', '--exit'])).toEqual({ kind: 'finish', dataDir: undefined, exit: true, cancel: false });
    expect(parseCli(['finish', '--cancel', '--data-dir', 'x'])).toEqual({ kind: 'finish', dataDir: 'x', exit: false, cancel: true });
    expect(parseCli(['--version', '--verbose'])).toEqual({ kind: 'version', verbose: true });
    expect(parseCli(['--run-window', '22:00-07:00', '--idle-minutes', '5', '--on-battery', 'run', '--max-cpu-temp', '80', '--plain'])).toEqual({
      kind: 'run', flags: { runWindow: '22:00-07:00', idleMinutes: '5', onBattery: 'run', maxCpuTemp: '80', plain: true },
    });
  });

  it('throws ConfigError(bad_flag) on unknown flags, positionals and missing values', () => {
    for (const argv of [['--bogus'], ['extra'], ['--coordinator'], ['status', '--intensity', 'low'], ['finish', '--exit', '--cancel'], ['status', 'now'], ['--verbose']]) {
      expect(() => parseCli(argv)).toThrow(ConfigError);
      try {
        parseCli(argv);
      } catch (e) {
        expect((e as ConfigError).code).toBe('bad_flag');
      }
    }
  });
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: dir, NFL_GRID_LOG: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('nfl-agent CLI (child process)', () => {
  it('exits 2 with a message on stderr for bad flags and settings', async () => {
    const unknown = await cli(['--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^nfl-agent: Unknown option '--bogus'/);

    const intensity = await cli(['--coordinator', 'http://127.0.0.1:9', '--data-dir', dir, '--intensity', 'hot']);
    expect(intensity.code).toBe(2);
    expect(intensity.stderr).toContain('intensity must be one of low, medium, high, inferno');

    const noCoordinator = await cli(['--data-dir', dir]);
    expect(noCoordinator.code).toBe(2);
    expect(noCoordinator.stderr).toContain('no coordinator given');

    const notEnrolled = await cli(['--data-dir', dir, '--coordinator', 'http://127.0.0.1:9']);
    expect(notEnrolled.code).toBe(2);
    expect(notEnrolled.stderr).toContain('not enrolled yet: pass --token');
  }, 30_000);

  it('prints help and version on stdout and exits 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: nfl-agent');
    expect(help.stdout).toContain('SIGUSR1');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(`nfl-agent ${AGENT_VERSION}`);
    const verbose = await cli(['--version', '--verbose']);
    expect(verbose.stdout).toContain('kernels   bench.hash@1, mc.season@1');
    expect(verbose.stdout).toContain('source checkout');
  }, 30_000);
});

describe('saveFlagSettings', () => {
  it('saves the flags of a started run over config.json, keeps the rest, and never the token', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ intensity: 'low', maxCpuTemp: 80, name: 'kept' }));
    const flags = { coordinator: 'ws://127.0.0.1:8787/agent', token: 'secret', intensity: 'high', idleMinutes: '5' };
    const s = await run(flags);
    await saveFlagSettings(s, flags);
    const saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ intensity: 'high', maxCpuTemp: 80, name: 'kept', idleMinutes: '5', coordinator: 'http://127.0.0.1:8787' });
    // The next run without flags runs as the last one did.
    expect(await run({})).toMatchObject({ intensity: 'high', name: 'kept', coordinator: 'http://127.0.0.1:8787', token: null, rules: { idleMinutes: 5 } });
    // A later flag overrides the saved value and is saved in turn.
    await saveFlagSettings(await run({ intensity: 'low' }), { intensity: 'low' });
    expect(await run({})).toMatchObject({ intensity: 'low', rules: { idleMinutes: 5 } });
  });

  it('creates the data folder and config.json when neither exists yet', async () => {
    const fresh = join(dir, 'fresh');
    await saveFlagSettings({ dataDir: fresh, coordinator: 'http://c:1' }, { intensity: 'inferno' });
    expect(JSON.parse(await readFile(join(fresh, 'config.json'), 'utf8'))).toEqual({ intensity: 'inferno' });
  });
});
