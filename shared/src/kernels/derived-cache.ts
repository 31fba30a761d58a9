import { canonicalJson } from '../hashing/canonical-json';
import type { KernelData } from './types';

/*
 * Per-KernelData cache of values a kernel derives from its params and input data (schedules,
 * fitted ratings). Kernel state stays plain JSON; step() and restore() look the derived value up
 * here instead of carrying it. Weakly keyed, so it goes away with the KernelData.
 */
const caches = new WeakMap<KernelData, Map<string, unknown>>();

export function derived<T>(data: KernelData, kind: string, key: unknown, build: () => T): T {
  let m = caches.get(data);
  if (!m) caches.set(data, (m = new Map()));
  const k = `${kind}:${canonicalJson(key)}`;
  if (!m.has(k)) m.set(k, build());
  return m.get(k) as T;
}
