import { ConfigError } from '../errors';

/*
 * Fault drills for the grid's own tests (agent/README.md "Test drills"). With
 * NFL_AGENT_FAULT=wrong-output the agent perturbs every kernel output before hashing and signing
 * it, behaving like a cheating or broken host, so tests can show that the coordinator's
 * validator marks its results invalid. Nothing else in the agent knows about drills.
 */

export const FAULTS = ['wrong-output'] as const;
export type Fault = (typeof FAULTS)[number] | null;

export function parseFault(raw: string | undefined): Fault {
  if (raw === undefined || raw === '') return null;
  if ((FAULTS as readonly string[]).includes(raw)) return raw as Fault;
  throw new ConfigError('bad_value', `NFL_AGENT_FAULT must be one of ${FAULTS.join(', ')}, got "${raw}"`);
}

/**
 * The output as the drill wants it reported. `wrong-output` adds 1 to the first finite number
 * found (depth first, object keys in sorted order, so every faulty host perturbs alike); an
 * output without numbers gets `__fault: true`.
 */
export function applyFault(fault: Fault, output: unknown): unknown {
  if (fault === null) return output;
  const copy = structuredClone(output);
  const bumped = bumpFirstNumber(copy);
  if (bumped.done) return bumped.value;
  if (copy && typeof copy === 'object' && !Array.isArray(copy)) return { ...(copy as object), __fault: true };
  return { __fault: true, value: copy };
}

function bumpFirstNumber(v: unknown): { done: boolean; value: unknown } {
  if (typeof v === 'number' && Number.isFinite(v)) return { done: true, value: v + 1 };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = bumpFirstNumber(v[i]);
      if (r.done) {
        v[i] = r.value;
        return { done: true, value: v };
      }
    }
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) {
      const r = bumpFirstNumber(o[k]);
      if (r.done) {
        o[k] = r.value;
        return { done: true, value: o };
      }
    }
  }
  return { done: false, value: v };
}
