import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@nfl-grid/shared/api/console-types';
import type { Grid } from '../grid';
import type { GridEventMap } from '../events';
import { buildSnapshot, slowParts, type SlowParts } from './snapshot';

/*
 * The live feed behind GET /api/v1/live: one hub per coordinator process, shared by every
 * console watching it. It forwards the grid's typed events as they happen and sends a compact
 * snapshot every `snapshotMs` (sooner, but at most once per `minGapMs`, after an event), computed
 * once for all subscribers. With no subscriber it listens to nothing and runs no timer.
 *
 * Hub states: idle (no subscribers) -> watching (listeners attached, ticking) -> idle.
 * Events from other coordinators on the same database are not seen here; the snapshot, read from
 * the database, still shows their effect within one interval.
 */

export type LiveKind = keyof GridEventMap | 'snapshot';
export interface LiveMessage { event: LiveKind; data: unknown }

export interface LiveHubOptions {
  snapshotMs: number;
  /** Smallest gap between two snapshots. */
  minGapMs: number;
  /** How long throughput and compute hours (full scans) are reused. */
  slowMs: number;
}

export interface LiveHub {
  /** Differs after every coordinator start, so a console can tell it reconnected to a new process. */
  readonly bootId: string;
  subscribe(fn: (m: LiveMessage) => void): () => void;
  /** A snapshot at most `snapshotMs` old (the stream's, while one ticks; else a fresh one). */
  latest(): Promise<Snapshot>;
  readonly subscribers: number;
}

const KINDS: (keyof GridEventMap)[] = ['batch.submitted', 'batch.finished', 'wu.validated', 'wu.failed', 'host.changed'];
const MAX_IDS = 100;

/** What a console needs of an event; long id lists are cut (the snapshot carries the totals). */
function compact<K extends keyof GridEventMap>(kind: K, data: GridEventMap[K]): unknown {
  if ('wuIds' in data) return { ...data, count: data.wuIds.length, wuIds: data.wuIds.slice(0, MAX_IDS) };
  return data;
}

export function createLiveHub(grid: Grid, opts: Partial<LiveHubOptions> = {}): LiveHub {
  const o: LiveHubOptions = { snapshotMs: 3000, minGapMs: 750, slowMs: 15_000, ...opts };
  const subs = new Set<(m: LiveMessage) => void>();
  let detach: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let soon: NodeJS.Timeout | null = null;
  let last: { at: number; snap: Snapshot } | null = null;
  let slow: { at: number; parts: SlowParts } | null = null;
  let inFlight: Promise<Snapshot> | null = null;

  const broadcast = (m: LiveMessage) => { for (const fn of subs) fn(m); };

  async function compute(): Promise<Snapshot> {
    inFlight ??= (async () => {
      try {
        // Cached parts serve a stream that ticks; a one-off read (nobody watching) gets fresh ones.
        if (!slow || subs.size === 0 || Date.now() - slow.at > o.slowMs) slow = { at: Date.now(), parts: await slowParts(grid) };
        const snap = await buildSnapshot(grid, slow.parts);
        last = { at: Date.now(), snap };
        return snap;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  async function tick(): Promise<void> {
    if (subs.size === 0) return;
    try {
      broadcast({ event: 'snapshot', data: await compute() });
    } catch (e) {
      grid.log.component('console').warn('console snapshot failed', { error: e as Error });
    }
  }

  /** An event happened: send a fresh snapshot soon, not waiting for the next tick. */
  function hurry(): void {
    if (soon || subs.size === 0) return;
    const wait = Math.max(0, (last?.at ?? 0) + o.minGapMs - Date.now());
    soon = setTimeout(() => { soon = null; void tick(); }, wait);
    soon.unref();
  }

  function start(): void {
    detach = KINDS.map((kind) => grid.events.on(kind, (data) => {
      broadcast({ event: kind, data: compact(kind, data as never) });
      hurry();
    }));
    timer = setInterval(() => void tick(), o.snapshotMs);
    timer.unref();
  }

  function stop(): void {
    for (const d of detach) d();
    detach = [];
    if (timer) clearInterval(timer);
    if (soon) clearTimeout(soon);
    timer = soon = null;
  }

  return {
    bootId: randomUUID(),
    get subscribers() { return subs.size; },
    subscribe(fn) {
      subs.add(fn);
      if (subs.size === 1) start();
      return () => {
        if (subs.delete(fn) && subs.size === 0) stop();
      };
    },
    async latest() {
      if (subs.size > 0 && last && Date.now() - last.at < o.snapshotMs) return last.snap;
      return compute();
    },
  };
}
