import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Intensity, Readings } from '@nfl-grid/shared/protocol/host-report';
import { writeFileAtomic } from '../disk/atomic-file';

/*
 * `<data-dir>/status.json`: what the running agent is doing, rewritten atomically every second
 * (temp file + rename) so `nfl-agent status` can show it without the coordinator, and so a reader
 * never sees half a file. The terminal view renders the same object.
 */

export const STATUS_FILE = 'status.json';

export interface ItemStatus {
  replicaId: number;
  wuId: number;
  kernel: string;
  state: 'queued' | 'running' | 'suspended';
  step: number;
  totalSteps: number;
  percent: number;
  resumedFrom: number | null;
  /** Seconds since it started running here (this run); null while queued. */
  elapsedSeconds: number | null;
  /** Seconds left at the pace of this run so far; null until a step is done. */
  etaSeconds: number | null;
  /** When the coordinator wants the result by (ISO time). */
  deadline: string;
}

export interface AgentStatus {
  v: 1;
  pid: number;
  version: string;
  packaged: boolean;
  startedAt: string;
  updatedAt: string;
  hostId: string;
  name: string;
  coordinator: string;
  connected: boolean;
  loopState: string;
  intensity: {
    chosen: Intensity;
    effective: Intensity | null;
    threads: number;
    duty: number;
    target: number;
    stepDown: number;
    pausedBy: string[];
  };
  backend: string;
  finishing: boolean;
  /** The host's owner or an admin paused it in the console. */
  adminPaused: boolean;
  /** Why the coordinator last refused this agent's hello (`host_banned`…), null once welcomed. */
  refused: string | null;
  /** The id of the last control.json request carried out (control.ts). */
  answered: string | null;
  readings: Readings | null;
  onBattery: boolean | null;
  idle: { seconds: number | null; source: string };
  cpuShare: number | null;
  items: ItemStatus[];
  outbox: number;
  credit: { accepted: number; claimed: number; granted: number; valid: number; invalid: number };
}

export async function writeStatus(dataDir: string, status: AgentStatus): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dataDir, STATUS_FILE), JSON.stringify(status, null, 1), { durable: false, mode: 0o644 });
}

export async function readStatus(dataDir: string): Promise<AgentStatus | null> {
  try {
    const s = JSON.parse(await readFile(join(dataDir, STATUS_FILE), 'utf8')) as AgentStatus;
    return s && s.v === 1 ? s : null;
  } catch {
    return null;
  }
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)}%`);
const deg = (v: number | null | undefined) => (v === null || v === undefined ? 'missing' : `${Math.round(v)} °C`);

export function bar(percent: number, width = 24): string {
  const full = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export function describeIntensity(s: AgentStatus): string {
  const i = s.intensity;
  const eff = i.effective === null ? 'paused (too hot)' : i.effective !== i.chosen ? `${i.effective} (stepped down from ${i.chosen})` : i.chosen;
  const level = i.pausedBy.length ? `paused: ${i.pausedBy.join('; ')}` : `${i.threads} thread${i.threads === 1 ? '' : 's'} × ${Math.round(i.duty * 100)}% duty = ${Math.round(i.target * 100)}% of the CPU`;
  return `${eff} · ${level}`;
}

export function describeSensors(s: AgentStatus): string {
  const r = s.readings;
  if (!r) return 'not read yet';
  const part = (name: string, temp: number | null, load: number | null) =>
    temp === null && load === null ? `${name} missing` : `${name} ${deg(temp)}${temp === null ? ' temp' : ''}, load ${pct(load)}`;
  const battery = r.battery ? `${Math.round(r.battery.percent)}%${s.onBattery ? ' on battery' : r.battery.charging ? ' charging' : ''}` : 'none';
  const idle = s.idle.seconds === null ? 'unknown' : `${Math.floor(s.idle.seconds)} s (${s.idle.source})`;
  return `${part('CPU', r.cpuTemp, r.cpuLoad)} · ${part('GPU', r.gpuTemp, r.gpuLoad)} · memory ${pct(r.memUsed)} · battery ${battery} · user idle ${idle}`;
}

/** 75 → "1m15s", 4000 → "1h06m"; null → "—". */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** The deadline as time left ("due in 14m10s", or "overdue 3s"). */
function due(deadline: string, now: number): string {
  const left = (Date.parse(deadline) - now) / 1000;
  return left >= 0 ? `due in ${duration(left)}` : `overdue ${duration(-left)}`;
}

export function describeItem(i: ItemStatus, now = Date.now()): string {
  const head = `replica ${i.replicaId} (wu ${i.wuId}, ${i.kernel})`;
  if (i.state === 'queued') return `${head} queued · ${due(i.deadline, now)}`;
  const resumed = i.resumedFrom !== null ? ` resumed@${i.resumedFrom}` : '';
  const times = ` · ${duration(i.elapsedSeconds)} elapsed · ETA ${duration(i.etaSeconds)} · ${due(i.deadline, now)}`;
  return `${head} ${bar(i.percent)} ${i.percent.toFixed(1).padStart(5)}% step ${i.step}/${i.totalSteps}${resumed}${i.state === 'suspended' ? ' (suspended)' : ''}${times}`;
}

/** The work loop in words, as a volunteer reads it (never "idle" while a unit runs). */
export function loopLabel(s: AgentStatus): string {
  if (s.refused === 'host_banned') return 'banned by the admin';
  if (s.loopState === 'stopped' || s.loopState === 'stopping') return s.loopState;
  if (s.finishing) return s.items.length ? 'finishing (no new work)' : 'finished, paused';
  if (s.adminPaused) return 'paused by the admin';
  if (s.loopState === 'paused') return s.intensity.pausedBy.length ? `paused: ${s.intensity.pausedBy.join('; ')}` : 'paused';
  const working = s.items.some((i) => i.state === 'running');
  if (s.loopState === 'offline') return working ? 'working (offline: results wait in the outbox)' : 'offline';
  return working ? 'working' : s.items.length ? 'work in hand waiting for a slot' : 'waiting for work';
}

/** The `nfl-agent status` text. */
export function formatStatus(s: AgentStatus, alive: boolean, now = Date.now()): string {
  const age = Math.max(0, Math.round((now - Date.parse(s.updatedAt)) / 1000));
  const row = (label: string, text: string) => `${label.padEnd(12)}${text}`;
  const lines = [
    `nfl-agent ${s.version}${s.packaged ? ' (packaged)' : ''} — ${alive ? `running (pid ${s.pid})` : `not running (last seen pid ${s.pid})`}, status updated ${age} s ago`,
    row('host', `${s.name} ${s.hostId}`),
    row('coordinator', `${s.coordinator} (${s.connected ? 'connected' : 'not connected'})`),
    row('state', loopLabel(s)),
    row('intensity', describeIntensity(s)),
    row('backend', `${s.backend} · this agent uses ${s.cpuShare === null ? '—' : `${Math.round(s.cpuShare * 100)}%`} of the machine's CPU`),
    row('sensors', describeSensors(s)),
    row('credit', `${s.credit.granted.toFixed(2)} granted for ${s.credit.valid} valid results (${s.credit.invalid} invalid) · ${s.credit.claimed.toFixed(2)} claimed for ${s.credit.accepted} accepted`),
    row('outbox', `${s.outbox} result${s.outbox === 1 ? '' : 's'} waiting to be acknowledged`),
  ];
  if (!s.items.length) lines.push(row('work', 'none in hand'));
  s.items.forEach((i, n) => lines.push(row(n === 0 ? 'work' : '', describeItem(i, now))));
  return lines.join('\n') + '\n';
}
