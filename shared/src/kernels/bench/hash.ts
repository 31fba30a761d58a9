import { z } from 'zod';
import type { Kernel } from '../types';

/*
 * bench.hash@1: a trivial kernel for load tests and protocol drills. It mixes the seed through
 * `rounds` rounds of a 32-bit integer hash (splitmix-style) in `steps` steps. Exact comparator.
 */
const Params = z.strictObject({
  rounds: z.number().int().min(1).max(100_000_000).default(1000),
  steps: z.number().int().min(1).max(10_000).default(1),
});
type Params = z.infer<typeof Params>;
interface State { step: number; h: number; rounds: number; steps: number }

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const benchHash: Kernel<Params, State, { value: number; rounds: number }> = {
  name: 'bench.hash',
  version: 1,
  title: 'Integer hash chain (load testing)',
  paramsSchema: Params,
  capabilities: { gpu: 'none', minMemoryMb: 16 },
  datasets: () => [],
  costEstimate: (p) => p.rounds * 10,
  totalSteps: (p) => p.steps,
  init: (p, seed) => ({ step: 0, h: seed >>> 0, rounds: p.rounds, steps: p.steps }),
  step(s) {
    const per = Math.ceil(s.rounds / s.steps);
    const from = s.step * per;
    const to = Math.min(s.rounds, from + per);
    let h = s.h;
    for (let i = from; i < to; i++) h = mix(h + i);
    return { ...s, step: s.step + 1, h };
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => ({ ...s }),
  restore: (_p, snap) => ({ ...(snap as State) }),
  finish: (s) => ({ value: s.h, rounds: s.rounds }),
  compare: (a, b) => a.value === b.value && a.rounds === b.rounds,
};
