import { provideTfPackages } from '@nfl-grid/shared/learn/tfjs';

/*
 * Imported first by both entry points of the packaged agent (sea-main.ts, sea-worker.ts): the
 * binary has no node_modules, so TensorFlow.js and its wasm backend go into the bundle. esbuild
 * sees these require() calls and bundles the packages, each wrapped so it is evaluated on the
 * first call: a thread that never trains never loads tfjs. tfjs-node-gpu is native and stays
 * out (the binary trains on wasm or cpu).
 */

provideTfPackages({
  '@tensorflow/tfjs': () => require('@tensorflow/tfjs'),
  '@tensorflow/tfjs-backend-wasm': () => require('@tensorflow/tfjs-backend-wasm'),
});
