import { EventEmitter } from 'node:events';
import type { GridEventMap, GridEvents } from './coordinator';

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
