import { canonicalJson } from '../hashing/canonical-json';
import { sha256Hex } from '../hashing/sha256';
import type { MetricSpec } from './metric-specs';

/*
 * A model's stable key: `kernel@version~h`, h the first 12 hex digits of
 * sha256(canonicalJson({ kernel, family })), family = params minus the seed, the tuned and the
 * ignored params (metric-specs.ts). Canonical JSON sorts keys, so the key does not depend on the
 * order params were written in; it changes only when what is measured changes.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The value at a dotted path (undefined when absent). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A deep copy of obj with the value at a dotted path replaced (parents must exist). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj) as unknown as Obj;
  const keys = path.split('.');
  let cur: Obj = copy;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) return copy as unknown as T;
    cur = cur[k] as Obj;
  }
  cur[keys[keys.length - 1]!] = value;
  return copy as unknown as T;
}

function withoutPath(obj: Obj, path: string): Obj {
  const keys = path.split('.');
  if (keys.length === 1) {
    const { [path]: _drop, ...rest } = obj;
    return rest;
  }
  const head = keys[0]!;
  if (!isObj(obj[head])) return obj;
  return { ...obj, [head]: withoutPath(obj[head] as Obj, keys.slice(1).join('.')) };
}

/** The params that define the family: params minus `seed`, the tuned and the ignored params. */
export function familyParams(spec: Pick<MetricSpec, 'tuned' | 'ignored'>, params: Obj): Obj {
  let out = withoutPath(params, 'seed');
  for (const t of spec.tuned) out = withoutPath(out, t.path);
  for (const p of spec.ignored) out = withoutPath(out, p);
  return out;
}

/** The tuned params of one result: its position within the family. */
export function tunedParams(spec: Pick<MetricSpec, 'tuned'>, params: Obj): Obj {
  const out: Obj = {};
  for (const t of spec.tuned) {
    const v = getPath(params, t.path);
    if (v !== undefined) out[t.path] = v;
  }
  return out;
}

export async function modelKeyOf(spec: Pick<MetricSpec, 'kernel' | 'tuned' | 'ignored'>, params: Obj): Promise<{ key: string; family: Obj }> {
  const family = familyParams(spec, params);
  const h = await sha256Hex(canonicalJson({ kernel: spec.kernel, family }));
  return { key: `${spec.kernel}~${h.slice(0, 12)}`, family };
}
