import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTfBackend } from '@nfl-grid/shared/learn/tf-backend';
import type { Backend, Intensity } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { writeFileAtomic } from '../disk/atomic-file';
import { seaBytes } from '../sea';
import { tfLoadFor, tfOrder } from './tf-load';

/*
 * The TensorFlow.js backend neural kernels train on (DESIGN.md "Machine learning"), chosen by the
 * one loader every thread uses (shared/src/learn/tf-backend.ts): tfjs keeps an engine per thread,
 * so the kernel worker loads its own before a training kernel's first step (kernel-worker.ts)
 * with the options made here, and reports what it loaded. The main thread loads with the same
 * options at start to report a backend in `hello`.
 *   tfjs-node-gpu  tried only at `inferno`, the level that puts the GPU to work; never in the
 *                  packaged binary (a native package; the binary carries no node_modules)
 *   wasm           SIMD where the runtime has it; in the packaged binary the three .wasm files are
 *                  assets, written to <data-dir>/wasm at start and passed as wasmDir
 *   cpu            tfjs's plain JavaScript backend
 */

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Writes the packaged .wasm files (once) and loads a backend on this thread as a kernel worker
 * would; `none` when tfjs itself will not load.
 */
export async function chooseBackend(dataDir: string, intensity: Intensity, log: Logger): Promise<{ backend: Backend; wasmDir: string | null }> {
  const wasmDir = await writeWasmAssets(dataDir);
  try {
    const { backend, skipped } = await loadTfBackend({ wasmDir: wasmDir ?? undefined, order: tfOrder(tfLoadFor(wasmDir, intensity)) });
    if (skipped.length) log.debug(`TensorFlow.js backends not taken: ${skipped.join('; ')}`);
    return { backend, wasmDir };
  } catch (e) {
    log.warn(`TensorFlow.js does not load here; training kernels will fail (${(e as Error).message})`);
    return { backend: 'none', wasmDir };
  }
}

/** Writes the packaged .wasm files to <data-dir>/wasm where missing or different; null when not packaged. */
async function writeWasmAssets(dataDir: string): Promise<string | null> {
  const files = WASM_FILES.map((name) => [name, seaBytes(name)] as const).filter(([, b]) => b !== null);
  if (!files.length) return null;
  const dir = join(dataDir, 'wasm');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) {
    const file = join(dir, name);
    const had = await readFile(file).catch(() => null);
    if (!had || !had.equals(bytes!)) await writeFileAtomic(file, bytes!);
  }
  return dir;
}
