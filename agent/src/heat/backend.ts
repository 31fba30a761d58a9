import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { describe } from '../errors';
import { seaBytes } from '../sea';

/*
 * The TensorFlow.js backend for neural kernels (DESIGN.md "Machine learning"): the fastest that
 * loads, reported in `hello.backend`.
 *   tfjs-node-gpu  @tensorflow/tfjs-node-gpu, where its native library installs (a GPU box)
 *   wasm           @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm; in the packaged binary its
 *                  .wasm files are assets, written to <data-dir>/wasm/ and pointed at
 *   cpu            nothing to load: the plain JavaScript backend
 * The packages are optional and looked up at run time (a missing one is not an error), so the
 * names are kept out of the bundler's sight. Inferno is the level that puts the GPU to work.
 */

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export interface BackendChoice {
  backend: Backend;
  /** Why the better ones were not taken, for the log. */
  notes: string[];
}

/** import() of a package that may be missing; the name is a variable so bundlers leave it alone. */
async function optional(name: string): Promise<any> {
  return import(name);
}

export async function chooseBackend(dataDir: string, log: Logger): Promise<BackendChoice> {
  const notes: string[] = [];
  try {
    const tf = await optional('@tensorflow/tfjs-node-gpu');
    await tf.ready?.();
    return { backend: 'tfjs-node-gpu', notes };
  } catch (e) {
    notes.push(`tfjs-node-gpu: ${brief(e)}`);
  }
  try {
    const tf = await optional('@tensorflow/tfjs');
    const wasm = await optional('@tensorflow/tfjs-backend-wasm');
    const dir = await writeWasmAssets(dataDir);
    if (dir) wasm.setWasmPaths?.(dir + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend(wasm) refused');
    await tf.ready();
    return { backend: 'wasm', notes };
  } catch (e) {
    notes.push(`wasm: ${brief(e)}`);
  }
  log.debug(`TensorFlow.js backends not available: ${notes.join('; ')}`);
  return { backend: 'cpu', notes };
}

/** Writes the packaged .wasm files to <data-dir>/wasm (once); null when not packaged with them. */
async function writeWasmAssets(dataDir: string): Promise<string | null> {
  const files = WASM_FILES.map((name) => [name, seaBytes(name)] as const).filter(([, b]) => b !== null);
  if (!files.length) return null;
  const dir = join(dataDir, 'wasm');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes!);
  return dir;
}

function brief(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  return describe(e).split('\n')[0]!.slice(0, 200);
}
