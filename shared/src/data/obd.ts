import { DatasetParseError, field, int, num, readGzipCsv } from './csv';

/*
 * obd.*: data/bandit_obd/, the small sample of the Open Bandit Dataset (Saito et al. 2020;
 * ZOZOTOWN fashion recommendations, 2019-11-24..30), 10,000 rows per log. One row is one
 * (impression, slot): the item shown in slot `position` (1 left, 2 centre, 3 right), whether it
 * was clicked, and the logging policy's probability of showing that item in that slot.
 * `random_*` logs come from the uniform random policy (propensity 1/nItems), `bts_*` from
 * Bernoulli Thompson Sampling. Columns are in data/README.md.
 */

export type ObdCampaign = 'men' | 'women';
export type ObdPolicy = 'random' | 'bts';

export interface ObdLog {
  campaign: ObdCampaign;
  policy: ObdPolicy;
  /** Items (arms) 0..nItems-1: 34 for men, 46 for women. */
  nItems: number;
  nRows: number;
  /** UTC time, as in the file (`2019-11-24 00:01:03.979311+00:00`); rows are in time order. */
  timestamp: string[];
  itemId: Int32Array;
  /** Slot 1, 2 or 3. */
  position: Int32Array;
  click: Uint8Array;
  /** The logging policy's probability of this item in this slot. */
  propensity: Float64Array;
  /** user_feature_0..3 as level codes: code k is userFeatureLevels[j][k] (levels sorted). */
  userFeatures: Int32Array[];
  userFeatureLevels: string[][];
  /** user-item_affinity_<k>, row-major: affinity[row * nItems + k]. Mostly zero. */
  affinity: Float64Array;
}

export interface ObdItem {
  itemId: number;
  /** item_feature_0, numeric. */
  feature0: number;
  /** item_feature_1..3, hashed categorical (the hashes differ between the random and bts files). */
  features: [string, string, string];
}

export const OBD_POSITIONS = 3;
const N_ITEMS: Record<ObdCampaign, number> = { men: 34, women: 46 };
const USER_FEATURES = 4;

export function parseObdLog(bytes: Uint8Array, policy: ObdPolicy, campaign: ObdCampaign): ObdLog {
  const name = `obd.${policy}_${campaign}`;
  const recs = readGzipCsv(bytes);
  const n = recs.length, nItems = N_ITEMS[campaign];
  if (n === 0) throw new DatasetParseError(name, 0, 'no rows');
  const affinityCols = Object.keys(recs[0]).filter((k) => k.startsWith('user-item_affinity_'));
  if (affinityCols.length !== nItems) throw new DatasetParseError(name, 1, `${affinityCols.length} affinity columns, expected ${nItems}`);
  const log: ObdLog = {
    campaign, policy, nItems, nRows: n, timestamp: new Array<string>(n),
    itemId: new Int32Array(n), position: new Int32Array(n), click: new Uint8Array(n), propensity: new Float64Array(n),
    userFeatures: [], userFeatureLevels: [], affinity: new Float64Array(n * nItems),
  };
  const rawFeatures: string[][] = Array.from({ length: USER_FEATURES }, () => new Array<string>(n));
  recs.forEach((r, i) => {
    log.timestamp[i] = field(name, r, i, 'timestamp');
    const item = int(name, r, i, 'item_id');
    const pos = int(name, r, i, 'position');
    const click = int(name, r, i, 'click');
    const ps = num(name, r, i, 'propensity_score');
    if (item < 0 || item >= nItems) throw new DatasetParseError(name, i + 1, `item_id ${item} out of 0..${nItems - 1}`);
    if (pos < 1 || pos > OBD_POSITIONS) throw new DatasetParseError(name, i + 1, `position ${pos}`);
    if (click !== 0 && click !== 1) throw new DatasetParseError(name, i + 1, `click ${click}`);
    if (!(ps > 0 && ps <= 1)) throw new DatasetParseError(name, i + 1, `propensity_score ${ps}`);
    log.itemId[i] = item;
    log.position[i] = pos;
    log.click[i] = click;
    log.propensity[i] = ps;
    for (let j = 0; j < USER_FEATURES; j++) rawFeatures[j][i] = field(name, r, i, `user_feature_${j}`);
    for (let k = 0; k < nItems; k++) log.affinity[i * nItems + k] = num(name, r, i, `user-item_affinity_${k}`);
  });
  for (let j = 0; j < USER_FEATURES; j++) {
    const levels = [...new Set(rawFeatures[j])].sort();
    const code = new Map(levels.map((l, k) => [l, k]));
    log.userFeatureLevels.push(levels);
    log.userFeatures.push(Int32Array.from(rawFeatures[j], (v) => code.get(v)!));
  }
  return log;
}

export function parseObdItems(bytes: Uint8Array, policy: ObdPolicy, campaign: ObdCampaign): ObdItem[] {
  const name = `obd.item_context_${policy}_${campaign}`;
  const items = readGzipCsv(bytes).map((r, i) => ({
    itemId: int(name, r, i, 'item_id'),
    feature0: num(name, r, i, 'item_feature_0'),
    features: [field(name, r, i, 'item_feature_1'), field(name, r, i, 'item_feature_2'), field(name, r, i, 'item_feature_3')] as [string, string, string],
  }));
  items.forEach((it, i) => {
    if (it.itemId !== i) throw new DatasetParseError(name, i + 1, `item_id ${it.itemId}, expected ${i}`);
  });
  if (items.length !== N_ITEMS[campaign]) throw new DatasetParseError(name, items.length, `${items.length} items, expected ${N_ITEMS[campaign]}`);
  return items;
}

/** Dataset name of a log, e.g. `obd.bts_men`. */
export const obdLogDataset = (policy: ObdPolicy, campaign: ObdCampaign): string => `obd.${policy}_${campaign}`;
