import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ensureTfBackend, loadTfBackend, wasmDistDir } from './tf-backend';

describe('TensorFlow.js backend loading', () => {
  it('finds the wasm binaries in the installed package', () => {
    const dir = wasmDistDir();
    expect(dir).not.toBeNull();
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) expect(existsSync(join(dir!, f))).toBe(true);
  });

  it('skips the GPU package where it is not installed and loads wasm, then cpu on request', async () => {
    const best = await loadTfBackend();
    expect(best.backend).toBe('wasm');
    expect(best.skipped[0]).toMatch(/^tfjs-node-gpu: /);
    expect(ensureTfBackend()).toBe('wasm');
    expect(tf.sum(tf.tensor1d([1, 2, 3.5])).dataSync()[0]).toBe(6.5);

    expect(await loadTfBackend({ order: ['cpu'] })).toEqual({ backend: 'cpu', skipped: [] });
    expect(ensureTfBackend()).toBe('cpu');
    // Back to wasm after it has been initialised once (no second setWasmPaths).
    expect((await loadTfBackend({ order: ['wasm'] })).backend).toBe('wasm');
  });

  it('reports a missing GPU package as not installed', async () => {
    await expect(loadTfBackend({ order: ['tfjs-node-gpu'] })).rejects.toThrow(/tfjs-node-gpu: not installed/);
  });
});
