import type { TfBackend } from '@nfl-grid/shared/learn/tf-backend';
import type { Intensity } from '@nfl-grid/shared/protocol/host-report';

/*
 * How a thread loads TensorFlow.js (heat/backend.ts says why each thread loads its own): the
 * options the main thread sends a kernel worker with every item, since the heat may change.
 */

/** The main thread's side: how workers load tfjs now, and what one reports it loaded. */
export interface TfSource {
  load(): TfLoad;
  loaded(backend: TfBackend): void;
}

/** What a kernel worker needs to load the backend (sent with every item: the heat may change). */
export interface TfLoad {
  /** Folder of the .wasm files; null: the installed package's. */
  wasmDir: string | null;
  /** Try tfjs-node-gpu first (inferno). */
  gpu: boolean;
}

/** The loader's order for these options. */
export const tfOrder = (load: TfLoad): TfBackend[] => (load.gpu ? ['tfjs-node-gpu', 'wasm', 'cpu'] : ['wasm', 'cpu']);

export const tfLoadFor = (wasmDir: string | null, intensity: Intensity): TfLoad => ({ wasmDir, gpu: intensity === 'inferno' });
