import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { datasetPath } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import type { Intensity } from '@nfl-grid/shared/protocol/host-report';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { createLogger } from '@nfl-grid/shared/logging/logger';
import { CheckpointStore, sha256Of } from '../agent/src/disk/checkpoint-store';
import { SensorReader } from '../agent/src/heat/hardware';
import { HeatControl, INTENSITIES, levelFor } from '../agent/src/heat/heat';
import { IdleReader } from '../agent/src/heat/idle';
import { newRunningItem, runItem, type RunningItem } from '../agent/src/work/item-runner';
import { Monitor } from '../agent/src/heat/monitor';
import { DEFAULT_LIMITS } from '../agent/src/heat/thermal-guard';
import { WorkerPool } from '../agent/src/work/worker-pool';

/*
 * `npm run bench:heat` — does each intensity get the share of the machine's CPU it promises?
 * For every level a child process runs the agent's own heat machinery (HeatControl, the monitor's
 * feedback from the OS, worker threads with the duty cycle between steps) on a real kernel
 * (mc.season@1 on the spreadspoke data) for a warm-up and then `--seconds`; this process
 * measures the child's CPU from /proc/<pid>/stat (utime + stime) over wall time × cores, and the
 * rest of the machine's CPU from /proc/stat, and prints a table. Linux only (it reads /proc).
 *   --seconds N   measured time per level (default 20)   --warmup N   seconds before (default 6)
 *   --levels a,b  which levels (default all four)         --strict     exit 1 if any level misses
 */

const SELF = fileURLToPath(import.meta.url);
const TOLERANCE_PP = 5;

const { values } = parseArgs({
  options: {
    child: { type: 'string' }, seconds: { type: 'string' }, warmup: { type: 'string' }, levels: { type: 'string' }, strict: { type: 'boolean' },
  },
  strict: true,
});

if (values.child) await runChild(values.child as Intensity);
else await runBench();

/** The agent's machinery at one intensity, on endless mc.season items, until killed. */
async function runChild(intensity: Intensity): Promise<void> {
  const log = createLogger('bench-heat', {});
  const quiet = { ...log, info: () => undefined, debug: () => undefined };
  const cores = availableParallelism();
  const heat = new HeatControl(intensity, cores);
  const pool = new WorkerPool(quiet, heat.plan().threads);
  const kernel = getKernel('mc.season@1');
  const bytes = new Map<string, Uint8Array>();
  const inputs = datasetClosure(kernel.datasets(kernel.paramsSchema.parse({ season: 2015 }))).map((name) => {
    const b = new Uint8Array(readFileSync(datasetPath(name)));
    bytes.set(sha256Of(b), b);
    return { name, sha256: sha256Of(b) };
  });
  const running: RunningItem[] = [];
  const monitor = new Monitor({
    heat, sensors: new SensorReader(), idle: new IdleReader(), rules: { windows: [], pauseOnBattery: false, idleMinutes: 0 }, limits: DEFAULT_LIMITS,
    busyThreads: () => running.filter((r) => r.thread && !r.suspended).length, sensorMs: 5000, cores, log: quiet,
  });
  heat.onChange(() => running.forEach((r, i) => r.thread?.setThrottle(heat.throttleFor(i))));
  void monitor.run(new AbortController().signal);
  let replicaId = 1;
  const lane = async (index: number): Promise<void> => {
    for (;;) {
      const item: WorkItem = {
        wuId: replicaId, replicaId: replicaId++, kernel: 'mc.season@1', params: { season: 2015, nSims: 500_000, simsPerStep: 1000 },
        seed: index, inputs, costEstimate: 1, deadline: Date.now() + 86_400_000, resumeFrom: null,
      };
      const run = newRunningItem(item);
      running[index] = run;
      const outcome = await runItem(run, {
        inputs: { get: async (sha) => bytes.get(sha)! }, pool, checkpoints: new CheckpointStore('/nonexistent-bench', quiet),
        fetchCheckpoint: async () => ({ status: 'unavailable', reason: 'bench' }), upload: () => false,
        signCheckpoint: async () => 'not.uploaded.here',
        throttle: () => heat.throttleFor(index), checkpointEveryMs: () => 0, tf: { load: () => ({ wasmDir: null, gpu: false }), loaded: () => undefined }, fault: null, log: quiet,
      });
      if (outcome.status === 'failed') throw new Error(outcome.message);
    }
  };
  for (let i = 0; i < heat.plan().threads; i++) void lane(i);
  process.stdout.write('started\n');
}

interface Sample { self: number; total: number; idle: number; at: number }

function sample(pid: number): Sample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name.
  const self = Number(f[11]) + Number(f[12]);
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { self, total, idle: cpu[3]! + cpu[4]!, at: performance.now() };
}

async function measure(intensity: Intensity, warmupS: number, seconds: number, cores: number, hz: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', intensity], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
    child.once('exit', (c) => reject(new Error(`child exited with ${c}`)));
  });
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const a = sample(child.pid!);
  const loadBefore = loadavg()[0]!;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = sample(child.pid!);
  child.kill('SIGKILL');
  const wall = (b.at - a.at) / 1000;
  const share = (b.self - a.self) / hz / (wall * cores);
  const machineBusy = 1 - (b.idle - a.idle) / (b.total - a.total);
  return { share, others: Math.max(0, machineBusy - share), load: (loadBefore + loadavg()[0]!) / 2 };
}

async function runBench(): Promise<void> {
  const seconds = Number(values.seconds ?? 20);
  const warmup = Number(values.warmup ?? 6);
  const levels = (values.levels?.split(',') ?? INTENSITIES) as Intensity[];
  const cores = availableParallelism();
  let hz = 100;
  try {
    hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch { /* 100 is the Linux default */ }
  process.stdout.write(`bench:heat — ${cores} cores, ${warmup} s warm-up + ${seconds} s per level, mc.season@1; CPU of the agent from /proc/<pid>/stat\n`);
  process.stdout.write(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
  const rows: string[][] = [['level', 'plan', 'target', 'achieved', 'diff', 'verdict', 'rest of machine', 'load avg']];
  let missed = 0;
  for (const level of levels) {
    const plan = levelFor(level, cores);
    const m = await measure(level, warmup, seconds, cores, hz);
    const diff = (m.share - plan.target) * 100;
    const ok = Math.abs(diff) <= TOLERANCE_PP;
    if (!ok) missed++;
    rows.push([
      level, `${plan.threads}×${Math.round(plan.duty * 100)}%`, pct(plan.target), pct(m.share), `${diff >= 0 ? '+' : ''}${diff.toFixed(1)} pp`,
      ok ? 'ok' : `MISS (±${TOLERANCE_PP} pp)`, pct(m.others), m.load.toFixed(2),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i]!)).join('  ') + '\n');
  process.stdout.write(`\n"rest of machine" is the CPU used by everything else meanwhile (of all cores); above ~10% the machine was not idle and a miss is not conclusive.\n`);
  if (values.strict && missed) process.exit(1);
  process.exit(0);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
