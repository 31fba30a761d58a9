import { provideTfPackages } from '@nfl-grid/shared/learn/tfjs';

/*
 * Imported first by both entry points of the packaged agent (sea-main.ts, sea-worker.ts): the
 * binary has no node_modules, so TensorFlow.js and its wasm backend go into the bundle. esbuild
 * sees these require() calls and bundles the packages, each wrapped so it is evaluated on the
 * first call: a thread that never trains never loads tfjs. tfjs-node-gpu is native and stays
 * out: it is never looked up on disk either (one found there would bring its own tfjs engine),
 * so the binary trains on wasm or cpu, at inferno too.
 */

provideTfPackages({
  '@tensorflow/tfjs': () => require('@tensorflow/tfjs'),
  '@tensorflow/tfjs-backend-wasm': () => require('@tensorflow/tfjs-backend-wasm'),
  '@tensorflow/tfjs-node-gpu': () => {
    throw Object.assign(new Error('@tensorflow/tfjs-node-gpu is not in the nfl-agent binary'), { code: 'MODULE_NOT_FOUND' });
  },
});
