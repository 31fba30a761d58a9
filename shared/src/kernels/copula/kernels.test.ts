import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { canonicalJson } from '../../hashing/canonical-json';
import { copulaFit, CopulaFitParams } from './fit';
import { copulaGof, CopulaGofParams } from './gof';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
const fresh = () => loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);

describe('copula.fit@1', () => {
  const p = CopulaFitParams.parse({ seasonFrom: 2016, seasonTo: 2017, families: ['gaussian', 't', 'clayton90', 'gumbel'], nuGrid: [4, 8, 30] });
  const out = runKernelSync(copulaFit, p, 1, data);

  it('is registered, parses defaults and rejects bad params', () => {
    expect(getKernel('copula.fit@1')).toBe(copulaFit);
    expect(CopulaFitParams.parse({})).toMatchObject({ seasonFrom: 2010, seasonTo: 2024, variables: 'scores', ties: 'jitter', method: 'mle', families: ['gaussian', 't', 'clayton', 'gumbel'] });
    for (const bad of [{ seasonFrom: 2020, seasonTo: 2019 }, { families: [] }, { families: ['frank'] }, { families: ['t', 't'] },
      { variables: 'points' }, { nuGrid: [5, 4] }, { nuGrid: [2.5] }, { method: 'bayes' }, { seed: 1 }]) {
      expect(CopulaFitParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('fits each family with log-likelihood, AIC and S_n', () => {
    expect(out.n).toBe(512);
    expect(out.fits.map((f) => f.family)).toEqual(['gaussian', 't', 'clayton90', 'gumbel']);
    for (const f of out.fits) {
      expect(f.aic).toBeCloseTo(2 * (f.family === 't' ? 2 : 1) - 2 * f.logLik, 5);
      expect(f.cvm).toBeGreaterThan(0);
    }
    expect(out.fits[1].nu).not.toBeNull();
    expect(out.fits[1].nuProfile!.map((x) => x.nu)).toEqual([4, 8, 30]);
    expect(Math.abs(out.kendallTau)).toBeLessThan(0.1); // home and away scores are nearly independent
    expect(out.fits.find((f) => f.family === out.bestByAic)!.aic).toBe(Math.min(...out.fits.map((f) => f.aic)));
    expect(() => canonicalJson(out)).not.toThrow(); // finite numbers only, as output hashing needs
  });

  it('is identical on a rerun and across restarts; the comparator accepts and rejects', () => {
    expect(runKernelSync(copulaFit, p, 99, data)).toEqual(out); // the seed is not used
    expect(runWithRestarts(copulaFit, p, 1, data, [0, 1, 3], fresh())).toEqual(out);
    expect(copulaFit.compare(out, runKernelSync(copulaFit, p, 1, data))).toBe(true);
    const bumped = { ...out, fits: out.fits.map((f, i) => (i === 0 ? { ...f, theta: f.theta + 1e-4 } : f)) };
    expect(copulaFit.compare(out, bumped)).toBe(false);
    expect(copulaFit.compare(out, { ...out, bestByAic: 'clayton' })).toBe(false);
  });
});

describe('copula.gof@1', () => {
  const p = CopulaGofParams.parse({ seasonFrom: 2016, seasonTo: 2017, family: 'clayton90', nReplicates: 6, replicatesPerStep: 2 });
  const out = runKernelSync(copulaGof, p, 5, data);

  it('rejects bad params', () => {
    for (const bad of [{ family: 'frank' }, { nReplicates: 0 }, { replicatesPerStep: 0 }, { ties: 'drop' }, { tieSeed: -1 }]) {
      expect(CopulaGofParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('reports the observed S_n, the bootstrap replicates and a mergeable count', () => {
    expect(out.replicates).toBe(6);
    expect(out.statistics).toHaveLength(6);
    expect(out.exceed).toBe(out.statistics.filter((s) => s >= out.statistic).length);
    expect(out.pValue).toBeCloseTo((out.exceed + 1) / 7, 9);
    expect(() => canonicalJson(out)).not.toThrow();
    // another seed: same observed fit and statistic, other replicates
    const other = runKernelSync(copulaGof, p, 6, data);
    expect(other.statistic).toBe(out.statistic);
    expect(other.fit).toEqual(out.fit);
    expect(other.statistics).not.toEqual(out.statistics);
    expect(copulaGof.compare(out, other)).toBe(false);
  });

  it('is identical on a rerun and across restarts; the comparator accepts and rejects', () => {
    expect(runKernelSync(copulaGof, p, 5, data)).toEqual(out);
    expect(runWithRestarts(copulaGof, p, 5, data, [0, 1, 2], fresh())).toEqual(out);
    expect(copulaGof.compare(out, runWithRestarts(copulaGof, p, 5, data, [2]))).toBe(true);
    expect(copulaGof.compare(out, { ...out, statistic: out.statistic * 1.001 })).toBe(false);
    expect(copulaGof.compare(out, { ...out, exceed: out.exceed + 1 })).toBe(false);
  });
});
