import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/*
 * TensorFlow.js, loaded when a neural kernel first needs it rather than when the kernel registry
 * is imported: every process that lists kernels (coordinator, agent, CLI) would otherwise pay for
 * it at start-up. Loaded with require so that tfjs and its backends share one tfjs-core (the
 * engine and backend registry live in it). A bundle that carries the packages itself (the
 * packaged agent: scripts/package-agent/tfjs-bundled.ts) registers a loader for each with
 * provideTfPackages; the others are required by name from node_modules.
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
const provided = new Map<string, () => unknown>();

/** Loaders of packages a bundle carries, used instead of node_modules; each runs on first use. */
export function provideTfPackages(loaders: Record<string, () => unknown>): void {
  for (const [name, load] of Object.entries(loaders)) provided.set(name, load);
}

/** A package by name, from a provided loader or the node_modules this file resolves from; cached. */
export function requirePackage<T>(name: string): T {
  if (!cache.has(name)) {
    try {
      cache.set(name, (provided.get(name) ?? (() => createRequire(import.meta.url)(name)))());
    } catch (e) {
      throw new TfjsMissingError(name, e);
    }
  }
  return cache.get(name) as T;
}

export const tfjs = (): typeof TF => requirePackage<typeof TF>('@tensorflow/tfjs');
