import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalKernelData, DEFAULT_DATA_DIR } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { candidateOf, offerCoverCandidate } from './offer-candidate';

describe('a validated cover.baseline result offered to the registry', () => {
  let t: TestApp;
  beforeAll(async () => { t = await openTestApp('pglite'); });
  afterAll(async () => t?.close());

  it('registers the fold\'s σ as a candidate with its lineage, and promotion decides on it', async () => {
    const kernel = getKernel('cover.baseline@1');
    const params = kernel.paramsSchema.parse({ testSeasons: [2019] }) as Record<string, unknown>;
    const output = runKernelSync(kernel, params as never, 1, loadLocalKernelData(DEFAULT_DATA_DIR, kernel.datasets(params as never)));
    const row = await offerCoverCandidate(t.grid, { kernel: 'cover.baseline@1', params, output, batchId: null, wuId: 77 });
    expect(row).toMatchObject({ name: 'cover', version: 1, state: 'candidate', heldOutSeasons: [2019], wuIds: [77] });
    expect(Object.keys(row!.dataHashes as object)).toContain('gamestate.plays_2019');
    expect((row!.metrics as { seasons: Record<string, { plays: number }> }).seasons['2019']!.plays).toBe(44_367);
    const art = await t.call('GET', `/api/v1/models/${row!.id}/artifact`);
    expect(art.body.sigma).toBeCloseTo(18.069, 2);
    // σ 18.07 against the served 18.0: no evidence either way
    const p = await t.call('POST', `/api/v1/models/${row!.id}/promote`, { body: {} });
    expect(p.body).toMatchObject({ promoted: false, decision: 'iterate' });
  });

  it('leaves other results alone', () => {
    expect(candidateOf({ kernel: 'bench.hash@1', params: {}, output: {}, batchId: null, wuId: 1 }, {})).toBeNull();
    const fixed = { sigmaFrom: 'fixed', clip: 1e-6, bins: 20, seasons: [], overall: { n: 0, logLoss: 0, brier: 0, calibrationError: 0 } };
    expect(candidateOf({ kernel: 'cover.baseline@1', params: {}, output: fixed, batchId: null, wuId: 1 }, {})).toBeNull();
  });
});
