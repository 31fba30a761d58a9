import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive } from '../disk/data-lock';
import { bar, duration, formatStatus, loopLabel, readStatus, writeStatus, type AgentStatus } from './status-file';
import { viewLines } from './tty-view';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-status-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const status = (o: Partial<AgentStatus> = {}): AgentStatus => ({
  v: 1, pid: process.pid, version: '0.1.0', packaged: false, startedAt: '2025-01-01T00:00:00Z', updatedAt: new Date().toISOString(),
  hostId: 'h-1', name: 'box', coordinator: 'http://c', connected: true, loopState: 'idle',
  intensity: { chosen: 'high', effective: 'medium', threads: 1, duty: 1, target: 0.5, stepDown: 1, pausedBy: [] },
  backend: 'cpu', finishing: false, adminPaused: false, refused: null, answered: null,
  readings: { cpuLoad: 97, gpuLoad: null, memUsed: 41, cpuTemp: 91.2, gpuTemp: null, battery: null },
  onBattery: null, idle: { seconds: null, source: 'none' }, cpuShare: 0.49,
  items: [
    { replicaId: 12, wuId: 7, kernel: 'mc.season@1', state: 'running', step: 40, totalSteps: 100, percent: 40, resumedFrom: 25, elapsedSeconds: 75, etaSeconds: 450, deadline: new Date(Date.now() + 3_600_000).toISOString() },
    { replicaId: 13, wuId: 8, kernel: 'mc.season@1', state: 'queued', step: 0, totalSteps: 0, percent: 0, resumedFrom: null, elapsedSeconds: null, etaSeconds: null, deadline: new Date(Date.now() + 600_000).toISOString() },
  ],
  outbox: 1, credit: { accepted: 3, claimed: 1.5, granted: 1.25, valid: 2, invalid: 1 }, ...o,
});

describe('status.json', () => {
  it('round-trips and renders what a person needs: WU progress, intensity, temperatures, credit', async () => {
    await writeStatus(dir, status());
    const s = (await readStatus(dir))!;
    const text = formatStatus(s, true);
    expect(text).toContain(`running (pid ${process.pid})`);
    expect(text).toMatch(/intensity +medium \(stepped down from high\) · 1 thread × 100% duty = 50% of the CPU/);
    expect(text).toMatch(/sensors +CPU 91 °C, load 97% · GPU missing · memory 41% · battery none · user idle unknown/);
    expect(text).toMatch(/credit +1\.25 granted for 2 valid results \(1 invalid\) · 1\.50 claimed for 3 accepted/);
    expect(text).toContain(`replica 12 (wu 7, mc.season@1) ${bar(40)}  40.0% step 40/100 resumed@25`);
    expect(text).toContain('replica 13 (wu 8, mc.season@1) queued');
    expect(viewLines(s)[0]).toContain('working');
    expect(formatStatus({ ...s, intensity: { ...s.intensity, pausedBy: ['on battery'] } }, false)).toMatch(/not running .*\n[\s\S]*paused: on battery/);
    expect(await readStatus(join(dir, 'none'))).toBeNull();
  });

  it('gives each unit its elapsed time, ETA and deadline, and names the state in words (never "idle" with a unit running)', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const s = status({ loopState: 'idle' });
    s.items[0]!.deadline = new Date(now + 14 * 60_000 + 10_000).toISOString();
    s.items[1]!.deadline = new Date(now - 3000).toISOString();
    const text = formatStatus(s, true, now);
    expect(text).toMatch(/replica 12 .* step 40\/100 resumed@25 · 1m15s elapsed · ETA 7m30s · due in 14m10s/);
    expect(text).toContain('replica 13 (wu 8, mc.season@1) queued · overdue 3s');
    expect(text).toMatch(/state +working\n/);
    expect(text).not.toContain('work loop idle');
    expect(viewLines(s, { now })[4]).toContain('ETA 7m30s');
    expect(viewLines(s, { keys: true, now }).at(-1)).toMatch(/p pause · r resume · \+\/- intensity/);

    const queuedOnly = status({ loopState: 'idle', items: [s.items[1]!] });
    expect(loopLabel(queuedOnly)).toBe('work in hand waiting for a slot');
    expect(loopLabel(status({ loopState: 'idle', items: [] }))).toBe('waiting for work');
    expect(loopLabel(status({ loopState: 'offline', connected: false, refused: 'host_banned' }))).toBe('banned by the admin');
    expect(viewLines(status({ loopState: 'offline', connected: false, refused: 'host_banned' }))[0]).toContain('banned by the admin');
    expect(loopLabel(status({ loopState: 'paused', adminPaused: true }))).toBe('paused by the admin');
    const mine = status({ loopState: 'paused', intensity: { ...s.intensity, threads: 0, pausedBy: ['by the volunteer (nfl-agent resume carries on)'] } });
    expect(loopLabel(mine)).toBe('paused: by the volunteer (nfl-agent resume carries on)');
    expect(duration(59)).toBe('59s');
    expect(duration(3 * 3600 + 5 * 60)).toBe('3h05m');
    expect(duration(2 * 86_400 + 3600)).toBe('2d01h');
    expect(duration(null)).toBe('—');
  });

  it('bars and liveness', () => {
    expect(bar(0, 4)).toBe('[....]');
    expect(bar(50, 4)).toBe('[##..]');
    expect(bar(100, 4)).toBe('[####]');
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
