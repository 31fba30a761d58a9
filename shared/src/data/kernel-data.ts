import type { KernelData } from '../kernels/types';
import { getDataset } from './datasets';

export class MissingDatasetError extends Error {
  readonly code = 'missing_dataset';
  constructor(readonly dataset: string, readonly requiredBy?: string) {
    super(`dataset '${dataset}'${requiredBy ? ` (needed by '${requiredBy}')` : ''} was not provided`);
    this.name = 'MissingDatasetError';
  }
}

/**
 * KernelData over raw gzipped files keyed by dataset name. Each dataset is parsed on first use
 * and cached, so a kernel that is restored many times on one host parses its inputs once. The
 * bytes are trusted to be the verified content-addressed inputs (the caller checks sha256).
 * Parsed rows are shared between callers: kernels must treat them as read-only.
 */
export function createKernelData(bytesByName: Map<string, Uint8Array>): KernelData {
  const cache = new Map<string, unknown>();
  const loading = new Set<string>();

  const load = (name: string, requiredBy?: string): unknown => {
    if (cache.has(name)) return cache.get(name);
    const def = getDataset(name);
    const bytes = bytesByName.get(name);
    if (!bytes) throw new MissingDatasetError(name, requiredBy);
    if (loading.has(name)) throw new Error(`dataset '${name}' needs itself`);
    loading.add(name);
    try {
      const value = def.parse(bytes, <U>(dep: string) => load(dep, name) as U);
      cache.set(name, value);
      return value;
    } finally {
      loading.delete(name);
    }
  };

  return { dataset: <T>(name: string) => load(name) as T };
}
