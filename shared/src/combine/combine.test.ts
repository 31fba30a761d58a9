import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../data/local';
import { mcBankroll, McBankrollParams } from '../kernels/mc/bankroll';
import { runKernelSync } from '../kernels/runner';
import { combineResults, isMergeable, type CombineRow } from './combine';
import { CombineError } from './errors';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
const OPTS = { resamples: 1000, level: 0.95, seed: 1 };
const small = McBankrollParams.parse({ seasonFrom: 2016, seasonTo: 2016, nBets: 50, nScenarios: 40, scenariosPerStep: 40 });

const row = (wuId: number, params: Record<string, unknown>, output: unknown, kernel = 'mc.bankroll@1'): CombineRow => ({ wuId, seq: wuId, kernel, params, output });

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CombineError) return e.code;
    throw e;
  }
  return 'none';
}

describe('combineResults', () => {
  it('groups by params without the seed and the size params, pooling WUs of any size', () => {
    const a = runKernelSync(mcBankroll, small, 1, data);
    const b = runKernelSync(mcBankroll, { ...small, nScenarios: 60, scenariosPerStep: 20 }, 2, data);
    const c = runKernelSync(mcBankroll, { ...small, skill: 2 }, 3, data);
    const r = combineResults([row(1, small, a), row(2, { ...small, nScenarios: 60, scenariosPerStep: 20 }, b), row(3, { ...small, skill: 2 }, c)], OPTS);
    expect(r.groups.map((g) => [g.params.skill, g.wuIds, g.figures.kind === 'mc.bankroll' && g.figures.scenarios])).toEqual([[1, [1, 2], 100], [2, [3], 40]]);
    expect(r).toMatchObject({ results: 3, included: 3, excluded: [], options: { ...OPTS, method: 'percentile' } });
  });

  it('leaves out what cannot be merged and says why', () => {
    const lean = runKernelSync(mcBankroll, { ...small, keepScenarios: false }, 1, data);
    const full = runKernelSync(mcBankroll, small, 1, data);
    const r = combineResults([row(1, small, full), row(2, { ...small, keepScenarios: false }, lean), row(3, {}, { value: 1 }, 'bench.hash@1')], OPTS);
    expect(r.included).toBe(1);
    expect(r.excluded).toEqual([
      { wuId: 2, reason: 'no per-scenario values (run with keepScenarios: true to merge)' },
      { wuId: 3, reason: 'bench.hash@1 has no merge' },
    ]);
    const broken = structuredClone(full);
    broken.scenarios!.ruined[3] = 2;
    expect(combineResults([row(1, small, full), row(2, small, broken)], OPTS).excluded[0]!.reason).toMatch(/ruined/);
  });

  it('throws CombineError with a code when there is nothing to merge or the options are bad', () => {
    const lean = runKernelSync(mcBankroll, { ...small, keepScenarios: false }, 1, data);
    expect(codeOf(() => combineResults([], OPTS))).toBe('no_results');
    expect(codeOf(() => combineResults([row(1, {}, { value: 1 }, 'bench.hash@1')], OPTS))).toBe('not_mergeable');
    expect(codeOf(() => combineResults([row(1, small, lean)], OPTS))).toBe('no_mergeable_results');
    const ok = [row(1, small, runKernelSync(mcBankroll, small, 1, data))];
    for (const bad of [{ resamples: 999 }, { resamples: 100_001 }, { resamples: 1500.5 }, { level: 1 }, { level: 0 }, { seed: -1 }, { seed: 2 ** 32 }]) {
      expect(codeOf(() => combineResults(ok, { ...OPTS, ...bad })), JSON.stringify(bad)).toBe('bad_argument');
    }
    expect(isMergeable('mc.season@1') && isMergeable('mc.bankroll@1') && !isMergeable('bench.hash@1')).toBe(true);
  });
});
