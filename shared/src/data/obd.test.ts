import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DatasetRows } from './datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from './local';
import { parseObdLog } from './obd';

const names = ['obd.random_men', 'obd.random_women', 'obd.bts_men', 'obd.bts_women'] as const;
const data = loadLocalKernelData(DEFAULT_DATA_DIR, [...names, 'obd.item_context_bts_men', 'obd.item_context_random_women']);

describe('Open Bandit Dataset sample', () => {
  it('has 10,000 rows per log with the README click counts and propensities', () => {
    const clicks = { 'obd.random_men': 46, 'obd.random_women': 46, 'obd.bts_men': 69, 'obd.bts_women': 46 };
    for (const n of names) {
      const log = data.dataset<DatasetRows[typeof n]>(n);
      expect(log.nRows, n).toBe(10_000);
      expect(log.click.reduce((a, b) => a + b, 0), n).toBe(clicks[n]);
      expect(log.nItems, n).toBe(n.endsWith('_men') ? 34 : 46);
      expect(Math.max(...log.itemId), n).toBe(log.nItems - 1);
      expect(new Set(log.position), n).toEqual(new Set([1, 2, 3]));
      expect(log.userFeatures).toHaveLength(4);
    }
    const rm = data.dataset<DatasetRows['obd.random_men']>('obd.random_men');
    expect(rm.propensity.every((p) => p === 1 / 34)).toBe(true);
    expect(data.dataset<DatasetRows['obd.random_women']>('obd.random_women').propensity.every((p) => p === 1 / 46)).toBe(true);
    const bw = data.dataset<DatasetRows['obd.bts_women']>('obd.bts_women');
    expect(Math.min(...bw.propensity)).toBe(1e-6);
    expect(Math.max(...bw.propensity)).toBe(0.9628);
    expect(rm.userFeatureLevels.map((l) => l.length)).toEqual([3, 5, 9, 8]);
    // the first bts_men row: item 2 in the centre slot, not clicked, propensity 0.045525
    const bm = data.dataset<DatasetRows['obd.bts_men']>('obd.bts_men');
    expect([bm.itemId[0], bm.position[0], bm.click[0], bm.propensity[0], bm.timestamp[0]]).toEqual([2, 2, 0, 0.045525, '2019-11-24 00:01:03.979311+00:00']);
    expect(bm.affinity.filter((a) => a > 0).length).toBeGreaterThan(100);
  });

  it('reads item contexts', () => {
    const items = data.dataset<DatasetRows['obd.item_context_bts_men']>('obd.item_context_bts_men');
    expect(items).toHaveLength(34);
    expect(items[0].itemId).toBe(0);
    expect(data.dataset<DatasetRows['obd.item_context_random_women']>('obd.item_context_random_women')).toHaveLength(46);
  });

  it('refuses ragged rows and quoted fields', () => {
    const header = ',timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1,user_feature_2,user_feature_3,'
      + Array.from({ length: 34 }, (_, k) => `user-item_affinity_${k}`).join(',');
    const row = `0,t,1,1,0,0.5,a,b,c,d,${Array(34).fill('0.0').join(',')}`;
    expect(parseObdLog(gzipSync(`${header}\n${row}\n`), 'bts', 'men').nRows).toBe(1);
    expect(parseObdLog(gzipSync(`${header}\r\n${row}\r\n`), 'bts', 'men').nRows).toBe(1);
    expect(() => parseObdLog(gzipSync(`${header}\n${row},1\n`), 'bts', 'men')).toThrow(/fields/);
    expect(() => parseObdLog(gzipSync(`${header}\n${row.replace('0.5', '"0.5"')}\n`), 'bts', 'men')).toThrow(/quoted/);
    expect(() => parseObdLog(gzipSync(`${header}\n${row.replace(',1,1,0,', ',99,1,0,')}\n`), 'bts', 'men')).toThrow(/item_id/);
  });
});
