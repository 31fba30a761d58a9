import { mkdir, readFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { Intensity } from '@nfl-grid/shared/protocol/host-report';
import type { Flags } from './cli/cli-args';
import { writeFileAtomic } from './disk/atomic-file';
import { ConfigError } from './errors';
import { parseRunWindows, type RunRules } from './heat/run-rules';
import { DEFAULT_LIMITS, type GuardLimits } from './heat/thermal-guard';
import { readEnrolledCoordinator } from './link/identity-file';
import { parseFault, type Fault } from './work/fault';

/** Kept equal to agent/package.json's version (config.test.ts checks it). */
export const AGENT_VERSION = '0.1.0';

/**
 * Everything one nfl-agent process needs, resolved once in cli.ts and passed down. Sources, first
 * one wins: command-line flags, environment variables, `<data-dir>/config.json`, and for the
 * coordinator also the one this host enrolled with (identity.json).
 */
export interface AgentSettings {
  /** Base URL of the coordinator, no trailing slash, e.g. `http://127.0.0.1:8787`. */
  coordinator: string;
  /** Enrollment token; only used when the data folder holds no identity yet. */
  token: string | null;
  intensity: Intensity;
  /** Absolute path of the data folder (identity, outbox, work, checkpoints, status). */
  dataDir: string;
  /** Host name shown in the console. */
  name: string;
  agentVersion: string;
  /** Test drill (NFL_AGENT_FAULT); null in normal runs. */
  fault: Fault;
  /** Seconds of work between checkpoints; null: the coordinator's `config` decides. */
  checkpointIntervalSeconds: number | null;
  /** When this machine may compute (run-rules.ts). */
  rules: RunRules;
  /** Thermal and memory limits (thermal-guard.ts). */
  limits: GuardLimits;
  /** Plain line logs even on a terminal (no redrawn view). */
  plain: boolean;
  timing: {
    reconnectInitialMs: number;
    reconnectMaxMs: number;
    /** Wait for `welcome` after `hello`, and for `work`/`no_work` after `request_work`. */
    replyTimeoutMs: number;
    benchmarkMs: number;
    /** Sensor readings (temperatures, memory, battery, idle time). */
    sensorMs: number;
    /** status.json and the terminal view. */
    statusMs: number;
  };
}

const Num = z.union([z.number(), z.string()]);
const FileConfig = z.object({
  coordinator: z.string().optional(),
  token: z.string().optional(),
  intensity: z.string().optional(),
  name: z.string().optional(),
  runWindow: z.string().optional(),
  idleMinutes: Num.optional(),
  onBattery: z.string().optional(),
  maxCpuTemp: Num.optional(),
  maxGpuTemp: Num.optional(),
  maxMemory: Num.optional(),
  tempHysteresis: Num.optional(),
  memoryHysteresis: Num.optional(),
  checkpointInterval: Num.optional(),
}).strict();
type FileConfig = z.infer<typeof FileConfig>;

async function readFileConfig(dataDir: string): Promise<FileConfig> {
  const file = join(dataDir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError('bad_config_file', `cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('bad_config_file', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = FileConfig.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError('bad_config_file', `${file}: ${why}`);
  }
  return parsed.data;
}

type Source = [string, string | undefined];

/** First non-empty value with where it came from; an explicitly empty value is an error. */
function pickFrom(what: string, ...sources: Source[]): { value: string; source: string } | undefined {
  for (const [source, v] of sources) {
    if (v === undefined) continue;
    if (v.trim() === '') throw new ConfigError('bad_value', `${what} from ${source} is empty`);
    return { value: v.trim(), source };
  }
  return undefined;
}

const pick = (what: string, ...sources: Source[]) => pickFrom(what, ...sources)?.value;

/** A number within [min, max] from the first source that gives one, else `fallback`. */
function number(what: string, fallback: number, min: number, max: number, ...sources: Source[]): number {
  const got = pickFrom(what, ...sources);
  if (!got) return fallback;
  const n = Number(got.value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError('bad_value', `${what} from ${got.source} must be a number from ${min} to ${max}, got "${got.value}"`);
  return n;
}

/**
 * Validates a coordinator URL and drops trailing slashes. The websocket URL the coordinator's
 * banner prints (`ws://host:port/agent`, or wss://) is taken too, as the http(s) base URL it
 * belongs to; `note` is told which URL to give next time.
 */
export function normalizeCoordinator(raw: string, source: string, note: (msg: string) => void = () => undefined): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('bad_value', `coordinator from ${source} is not a URL: ${raw}`);
  }
  const websocket = url.protocol === 'ws:' || url.protocol === 'wss:';
  if (websocket) {
    // new URL() keeps special schemes apart: rebuild from the text rather than assign protocol.
    url = new URL(raw.trim().replace(/^ws(s?):/i, 'http$1:'));
    url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/agent$/, '');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('bad_value', `coordinator from ${source} must be http:// or https://, got ${url.protocol}`);
  }
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  if (websocket) note(`coordinator from ${source} is the agents' websocket URL; using ${base} (give that next time)`);
  return base;
}

/** An HTTP endpoint under the coordinator's base URL (which may carry a path prefix). */
export function endpoint(coordinator: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), coordinator + '/');
}

/** An empty environment variable counts as unset; an empty flag is an error (see pickFrom). */
const nonEmpty = (processEnv: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(processEnv).filter(([, v]) => v !== '')) as NodeJS.ProcessEnv;

/** The data folder alone (for `status` and `finish`): flag, then NFL_AGENT_DATA_DIR, then ~/.nfl-agent. */
export function resolveDataDir(flag: string | undefined, processEnv: NodeJS.ProcessEnv = process.env): string {
  return resolve(pick('data dir', ['--data-dir', flag], ['NFL_AGENT_DATA_DIR', nonEmpty(processEnv).NFL_AGENT_DATA_DIR]) ?? join(homedir(), '.nfl-agent'));
}

/** `note` hears about settings taken in a corrected form (a websocket coordinator URL). */
export async function resolveSettings(flags: Flags, processEnv: NodeJS.ProcessEnv = process.env, note?: (msg: string) => void): Promise<AgentSettings> {
  const env = nonEmpty(processEnv);
  const dataDir = resolveDataDir(flags.dataDir, env);
  const file = await readFileConfig(dataDir);
  const fileSrc = join(dataDir, 'config.json');
  const f = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  /** flag, env, config.json: the usual order for a setting. */
  const src = (flag: string, flagValue: string | undefined, envName: string, fileValue: string | number | undefined): Source[] => [
    [flag, flagValue], [envName, env[envName]], [fileSrc, f(fileValue)],
  ];

  const coordinatorSources = src('--coordinator', flags.coordinator, 'NFL_AGENT_COORDINATOR', file.coordinator);
  const explicit = coordinatorSources.find(([, v]) => v !== undefined);
  const rawCoordinator = pick('coordinator', ...coordinatorSources) ?? (await readEnrolledCoordinator(dataDir));
  if (!rawCoordinator) {
    throw new ConfigError('missing_coordinator', 'no coordinator given: pass --coordinator URL (or set NFL_AGENT_COORDINATOR)');
  }

  const rawIntensity = pick('intensity', ...src('--intensity', flags.intensity, 'NFL_AGENT_INTENSITY', file.intensity)) ?? 'medium';
  const intensity = Intensity.safeParse(rawIntensity);
  if (!intensity.success) {
    throw new ConfigError('bad_value', `intensity must be one of ${Intensity.options.join(', ')}, got "${rawIntensity}"`);
  }

  const window = pickFrom('run window', ...src('--run-window', flags.runWindow, 'NFL_AGENT_RUN_WINDOW', file.runWindow));
  let windows: RunRules['windows'] = [];
  if (window && !/^(always|any)$/i.test(window.value)) {
    try {
      windows = parseRunWindows(window.value);
    } catch (e) {
      throw new ConfigError('bad_value', `${(e as Error).message} (from ${window.source})`);
    }
  }
  const battery = pickFrom('on-battery', ...src('--on-battery', flags.onBattery, 'NFL_AGENT_ON_BATTERY', file.onBattery));
  if (battery && battery.value !== 'pause' && battery.value !== 'run') {
    throw new ConfigError('bad_value', `on-battery from ${battery.source} must be pause or run, got "${battery.value}"`);
  }
  const checkpoint = pickFrom('checkpoint interval', ...src('--checkpoint-interval', flags.checkpointInterval, 'NFL_AGENT_CHECKPOINT_INTERVAL', file.checkpointInterval));

  return {
    coordinator: normalizeCoordinator(rawCoordinator, explicit?.[0] ?? join(dataDir, 'identity.json'), note),
    token: pick('token', ...src('--token', flags.token, 'NFL_AGENT_TOKEN', file.token)) ?? null,
    intensity: intensity.data,
    dataDir,
    name: (pick('name', ...src('--name', flags.name, 'NFL_AGENT_NAME', file.name)) ?? hostname()).slice(0, 200),
    agentVersion: AGENT_VERSION,
    fault: parseFault(env.NFL_AGENT_FAULT),
    checkpointIntervalSeconds: checkpoint ? number('checkpoint interval', 0, 0.1, 86_400, [checkpoint.source, checkpoint.value]) : null,
    rules: {
      windows,
      pauseOnBattery: (battery?.value ?? 'pause') === 'pause',
      idleMinutes: number('idle minutes', 0, 0, 10_000, ...src('--idle-minutes', flags.idleMinutes, 'NFL_AGENT_IDLE_MINUTES', file.idleMinutes)),
    },
    limits: {
      ...DEFAULT_LIMITS,
      cpuTempC: number('max CPU temperature', DEFAULT_LIMITS.cpuTempC, 30, 120, ...src('--max-cpu-temp', flags.maxCpuTemp, 'NFL_AGENT_MAX_CPU_TEMP', file.maxCpuTemp)),
      gpuTempC: number('max GPU temperature', DEFAULT_LIMITS.gpuTempC, 30, 120, ...src('--max-gpu-temp', flags.maxGpuTemp, 'NFL_AGENT_MAX_GPU_TEMP', file.maxGpuTemp)),
      memoryPct: number('max memory', DEFAULT_LIMITS.memoryPct, 10, 100, ...src('--max-memory', flags.maxMemory, 'NFL_AGENT_MAX_MEMORY', file.maxMemory)),
      tempHysteresisC: number('temperature hysteresis', DEFAULT_LIMITS.tempHysteresisC, 0, 50, ...src('--temp-hysteresis', flags.tempHysteresis, 'NFL_AGENT_TEMP_HYSTERESIS', file.tempHysteresis)),
      memoryHysteresisPct: number('memory hysteresis', DEFAULT_LIMITS.memoryHysteresisPct, 0, 50, ...src('--memory-hysteresis', flags.memoryHysteresis, 'NFL_AGENT_MEMORY_HYSTERESIS', file.memoryHysteresis)),
    },
    plain: Boolean(flags.plain) || env.NFL_AGENT_PLAIN === '1',
    timing: { reconnectInitialMs: 500, reconnectMaxMs: 30_000, replyTimeoutMs: 30_000, benchmarkMs: 300, sensorMs: 5000, statusMs: 1000 },
  };
}

/** Flags remembered in config.json; the token is used once and the data dir names the folder itself. */
const SAVED_FLAGS = ['intensity', 'name', 'runWindow', 'idleMinutes', 'onBattery', 'maxCpuTemp', 'maxGpuTemp', 'maxMemory', 'tempHysteresis', 'memoryHysteresis', 'checkpointInterval'] as const;

/**
 * Writes the flags of a run that started into `<data-dir>/config.json`, over what was there, so
 * the next plain `nfl-agent` runs the same way. Called only after the settings were resolved and
 * the agent started, so a refused value is never saved. The coordinator is saved as resolved.
 */
export async function saveFlagSettings(settings: Pick<AgentSettings, 'dataDir' | 'coordinator'>, flags: Flags): Promise<void> {
  const current = await readFileConfig(settings.dataDir);
  const next: FileConfig = { ...current };
  let changed = false;
  if (flags.coordinator !== undefined && current.coordinator !== settings.coordinator) {
    next.coordinator = settings.coordinator;
    changed = true;
  }
  for (const key of SAVED_FLAGS) {
    const v = flags[key]?.trim();
    if (v === undefined || String(current[key]) === v) continue;
    next[key] = v;
    changed = true;
  }
  if (!changed) return;
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(settings.dataDir, 'config.json'), `${JSON.stringify(next, null, 2)}\n`);
}
