import { gunzipSync } from 'node:zlib';
import { DatasetParseError, field, int, num, readGzipCsv, type CsvRecord } from './csv';

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

const OBD_POSITIONS = 3;
const N_ITEMS: Record<ObdCampaign, number> = { men: 34, women: 46 };
const USER_FEATURES = 4;

/**
 * The logs have 10,000 rows × 44–56 plain fields (no quotes), so they are scanned directly:
 * csv-parse building one object per row took over a second per file, and most fields are the
 * affinity `0.0`, which is recognised without making a string. A quote or a ragged row is
 * refused, so a file that needs real CSV parsing fails loudly instead.
 */
export function parseObdLog(bytes: Uint8Array, policy: ObdPolicy, campaign: ObdCampaign): ObdLog {
  const name = `obd.${policy}_${campaign}`;
  const text = new TextDecoder().decode(gunzipSync(bytes));
  if (text.includes('"')) throw new DatasetParseError(name, 0, 'quoted fields are not expected');
  const headerEnd = text.indexOf('\n');
  const header = text.slice(0, headerEnd).replace(/\r$/, '').split(',');
  const nCols = header.length, nItems = N_ITEMS[campaign];
  const col = (c: string): number => {
    const j = header.indexOf(c);
    if (j < 0) throw new DatasetParseError(name, 1, `missing column ${c}`);
    return j;
  };
  const affinityCols = header.filter((k) => k.startsWith('user-item_affinity_'));
  if (affinityCols.length !== nItems) throw new DatasetParseError(name, 1, `${affinityCols.length} affinity columns, expected ${nItems}`);
  const cTime = col('timestamp'), cItem = col('item_id'), cPos = col('position'), cClick = col('click'), cPs = col('propensity_score');
  const cUser = Array.from({ length: USER_FEATURES }, (_, j) => col(`user_feature_${j}`));
  const affOf = new Int32Array(nCols).fill(-1);
  for (let k = 0; k < nItems; k++) affOf[col(`user-item_affinity_${k}`)] = k;

  // field boundaries of every row: starts[r * nCols + j] .. ends[...]
  let lineCount = 0;
  for (let q = text.indexOf('\n'); q >= 0; q = text.indexOf('\n', q + 1)) lineCount++;
  const starts = new Int32Array((lineCount + 1) * nCols), ends = new Int32Array((lineCount + 1) * nCols);
  let p = headerEnd + 1, row = 0, f = 0;
  while (p < text.length) {
    let j = 0;
    for (;;) {
      let e = p;
      while (e < text.length) { const ch = text.charCodeAt(e); if (ch === 44 || ch === 10 || ch === 13) break; e++; }
      if (j < nCols) { starts[f] = p; ends[f] = e; f++; }
      j++;
      const ch = text.charCodeAt(e);
      p = e + 1;
      if (ch !== 44) { if (ch === 13 && text.charCodeAt(p) === 10) p++; break; }
    }
    row++;
    if (j !== nCols) throw new DatasetParseError(name, row, `${j} fields, header has ${nCols}`);
  }
  const n = row;
  if (n === 0) throw new DatasetParseError(name, 0, 'no rows');
  const fieldAt = (r: number, j: number) => text.slice(starts[r * nCols + j], ends[r * nCols + j]);
  const log: ObdLog = {
    campaign, policy, nItems, nRows: n, timestamp: new Array<string>(n),
    itemId: new Int32Array(n), position: new Int32Array(n), click: new Uint8Array(n), propensity: new Float64Array(n),
    userFeatures: [], userFeatureLevels: [], affinity: new Float64Array(n * nItems),
  };
  const rawFeatures: string[][] = Array.from({ length: USER_FEATURES }, () => new Array<string>(n));
  const rec: CsvRecord = {}; // the csv.ts number checks read records; one reused for the scalar fields
  for (let i = 0; i < n; i++) {
    log.timestamp[i] = fieldAt(i, cTime);
    rec.item_id = fieldAt(i, cItem); rec.position = fieldAt(i, cPos); rec.click = fieldAt(i, cClick); rec.propensity_score = fieldAt(i, cPs);
    const item = int(name, rec, i, 'item_id');
    const pos = int(name, rec, i, 'position');
    const click = int(name, rec, i, 'click');
    const ps = num(name, rec, i, 'propensity_score');
    if (item < 0 || item >= nItems) throw new DatasetParseError(name, i + 1, `item_id ${item} out of 0..${nItems - 1}`);
    if (pos < 1 || pos > OBD_POSITIONS) throw new DatasetParseError(name, i + 1, `position ${pos}`);
    if (click !== 0 && click !== 1) throw new DatasetParseError(name, i + 1, `click ${click}`);
    if (!(ps > 0 && ps <= 1)) throw new DatasetParseError(name, i + 1, `propensity_score ${ps}`);
    log.itemId[i] = item;
    log.position[i] = pos;
    log.click[i] = click;
    log.propensity[i] = ps;
    for (let j = 0; j < USER_FEATURES; j++) rawFeatures[j][i] = fieldAt(i, cUser[j]);
    for (let j = 0; j < nCols; j++) {
      const k = affOf[j];
      if (k < 0) continue;
      const a = starts[i * nCols + j], b = ends[i * nCols + j];
      // `0.0` is by far the most common value
      if (b - a === 3 && text.charCodeAt(a) === 48 && text.charCodeAt(a + 1) === 46 && text.charCodeAt(a + 2) === 48) continue;
      const v = Number(text.slice(a, b));
      if (a === b || !Number.isFinite(v)) throw new DatasetParseError(name, i + 1, `user-item_affinity_${k} is not a number: '${text.slice(a, b)}'`);
      log.affinity[i * nItems + k] = v;
    }
  }
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
