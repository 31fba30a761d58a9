import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/*
 * TensorFlow.js, loaded when a neural kernel first needs it rather than when the kernel registry
 * is imported: every process that lists kernels (coordinator, agent, CLI) would otherwise load it,
 * and the packaged agent, which leaves @tensorflow/* out of its bundle, would fail at start-up
 * where the packages are absent. Loaded with require so that tfjs and its backends share one
 * tfjs-core (the engine and backend registry live in it).
 */

export class TfjsMissingError extends Error {
  readonly code = 'tfjs_missing';
  /** True when the package is not installed at all (rather than failing to load). */
  readonly notInstalled: boolean;
  constructor(readonly pkg: string, cause: unknown) {
    super(`${pkg} is not available here (${String((cause as Error)?.message ?? cause).split('\n')[0]})`);
    this.name = 'TfjsMissingError';
    this.notInstalled = (cause as { code?: string } | null)?.code === 'MODULE_NOT_FOUND';
  }
}

const cache = new Map<string, unknown>();

/** A package by name, from the node_modules this file resolves from; cached. */
export function requirePackage<T>(name: string): T {
  if (!cache.has(name)) {
    try {
      cache.set(name, createRequire(import.meta.url)(name));
    } catch (e) {
      throw new TfjsMissingError(name, e);
    }
  }
  return cache.get(name) as T;
}

export const tfjs = (): typeof TF => requirePackage<typeof TF>('@tensorflow/tfjs');
