import { EventEmitter } from 'node:events';

/** Things that happen, for the console's live feed and for tests. */
export interface GridEventMap {
  'batch.submitted': { batchId: string; wuCount: number };
  'batch.finished': { batchId: string; state: 'done' | 'cancelled' };
  'wu.validated': { wuIds: number[] };
  'wu.failed': { wuIds: number[]; reason: string };
  'host.changed': { hostId: string };
  /** WUs re-opened after a host that vouched for them was caught; `production` when a served model was rolled back. */
  'wu.reopened': { wuIds: number[]; hostId: string; production: boolean };
}

export interface GridEvents {
  emit<K extends keyof GridEventMap>(kind: K, data: GridEventMap[K]): void;
  on<K extends keyof GridEventMap>(kind: K, fn: (data: GridEventMap[K]) => void): () => void;
}


/** One typed event map for the whole coordinator process (console feed, tests). */
export function createGridEvents(): GridEvents {
  const ee = new EventEmitter();
  ee.setMaxListeners(0);
  return {
    emit: (kind, data) => void ee.emit(kind, data),
    on<K extends keyof GridEventMap>(kind: K, fn: (data: GridEventMap[K]) => void) {
      ee.on(kind, fn as (d: unknown) => void);
      return () => void ee.off(kind, fn as (d: unknown) => void);
    },
  };
}
