import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as Wasm from '@tensorflow/tfjs-backend-wasm';
import { requirePackage, tfjs, TfjsMissingError } from './tfjs';

/*
 * Picks the TensorFlow.js backend neural kernels train on, the fastest that loads in this thread
 * (tfjs keeps its engine per thread, so every worker thread that trains calls loadTfBackend):
 *   tfjs-node-gpu  @tensorflow/tfjs-node-gpu, an optional dependency: present only where its
 *                  install step fetched the native TensorFlow library; a missing one is a miss
 *                  (packages are required at run time, by name: ./tfjs.ts)
 *   wasm           @tensorflow/tfjs-backend-wasm; its .wasm binaries come from the package's
 *                  dist/ folder, found at run time, or from `wasmDir` (the packaged agent writes
 *                  its assets there); SIMD when the runtime has it, threads only where the
 *                  runtime allows them (Node 20 does not: one thread per training worker)
 *   cpu            tfjs's plain JavaScript backend, there wherever tfjs is
 * The backend names are the ones the wire protocol reports (shared/src/protocol/common.ts).
 */

export type TfBackend = 'tfjs-node-gpu' | 'wasm' | 'cpu';

const TF_BACKENDS: readonly TfBackend[] = ['tfjs-node-gpu', 'wasm', 'cpu'];

export interface TfBackendOptions {
  /** Backends to try, best first; default TF_BACKENDS. */
  order?: readonly TfBackend[];
  /** Folder holding tfjs-backend-wasm*.wasm; default the installed package's dist/. */
  wasmDir?: string;
}

export interface TfBackendChoice {
  backend: TfBackend;
  /** Why each better backend was not taken. */
  skipped: string[];
}

/** tfjs's registry name of each backend. */
const TF_NAME: Record<TfBackend, string> = { 'tfjs-node-gpu': 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/** The installed wasm package's dist/ folder, or null where there is no node_modules (a bundle). */
export function wasmDistDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return null;
  }
}

async function tryBackend(backend: TfBackend, opts: TfBackendOptions): Promise<void> {
  const tf = tfjs();
  if (backend === 'tfjs-node-gpu') requirePackage('@tensorflow/tfjs-node-gpu');
  if (backend === 'wasm' && !tf.findBackend('wasm')) {
    const { setWasmPaths } = requirePackage<typeof Wasm>('@tensorflow/tfjs-backend-wasm');
    const dir = opts.wasmDir ?? wasmDistDir();
    if (!dir) throw new Error('no folder with the .wasm files');
    // Only before the first initialisation: the wasm package refuses a second call after it.
    setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  }
  if (!(await tf.setBackend(TF_NAME[backend]))) throw new Error(`setBackend(${TF_NAME[backend]}) refused`);
  await tf.ready();
}

/** Loads the first backend in `order` that works and makes it tfjs's current one. */
export async function loadTfBackend(opts: TfBackendOptions = {}): Promise<TfBackendChoice> {
  tfjs().enableProdMode();
  const skipped: string[] = [];
  for (const backend of opts.order ?? TF_BACKENDS) {
    try {
      await tryBackend(backend, opts);
      return { backend, skipped };
    } catch (e) {
      skipped.push(`${backend}: ${brief(e)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend loaded (${skipped.join('; ')})`);
}

/**
 * The backend tfjs computes on now. When nothing has been loaded in this thread the plain CPU
 * backend is set, which needs no waiting (kernel steps are synchronous).
 */
export function ensureTfBackend(): TfBackend {
  const tf = tfjs();
  if (!tf.getBackend()) {
    tf.enableProdMode();
    void tf.setBackend('cpu');
  }
  const name = tf.getBackend();
  const found = TF_BACKENDS.find((b) => TF_NAME[b] === name);
  if (!found) throw new Error(`TensorFlow.js backend ${name} is not one the grid reports`);
  return found;
}

function brief(e: unknown): string {
  if (e instanceof TfjsMissingError && e.notInstalled) return 'not installed';
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
}
