import { parseElo538, type EloGameRow } from './elo538';
import type { DatasetDef } from './dataset-def';
import { gamestateDatasetDefs, type GamestateDatasetRows } from './gamestate/datasets';
import { parseObdItems, parseObdLog, type ObdItem, type ObdLog } from './obd';
import { parseOddsportal, type OddsGameRow } from './oddsportal';
import { parseOddsportalNba, type NbaGameRow } from './oddsportal-nba';
import { parseSpreadspoke, type GameRow } from './spreadspoke';
import { parseCrosswalk, type CrosswalkRow } from './teams';

/*
 * The named datasets kernels read. Each is one gzipped CSV under the repository's data/ folder
 * (provenance in data/README.md); a kernel's datasets(params) lists names from here, and the
 * agent fetches exactly those files by sha256. A dataset may need another to parse (the games
 * need the team crosswalk), so `needs` is part of the contract: datasetClosure() adds them.
 */

/** Row types by dataset name, so callers can write `data.dataset<DatasetRows['spreadspoke.games']>(…)`. */
export interface DatasetRows extends GamestateDatasetRows {
  'spreadspoke.games': GameRow[];
  'teams.crosswalk': CrosswalkRow[];
  'elo538.games': EloGameRow[];
  'oddsportal.nfl': OddsGameRow[];
  'oddsportal.nba': NbaGameRow[];
  'obd.random_men': ObdLog;
  'obd.random_women': ObdLog;
  'obd.bts_men': ObdLog;
  'obd.bts_women': ObdLog;
  'obd.item_context_random_men': ObdItem[];
  'obd.item_context_random_women': ObdItem[];
  'obd.item_context_bts_men': ObdItem[];
  'obd.item_context_bts_women': ObdItem[];
}
export type DatasetName = keyof DatasetRows;

const CROSSWALK = 'teams.crosswalk';

const defs: { [K in DatasetName]: DatasetDef<DatasetRows[K]> } = {
  'teams.crosswalk': {
    name: 'teams.crosswalk',
    file: 'nfl_spreadspoke/nfl_team_crosswalk.csv.gz',
    title: 'Team name / code → franchise id crosswalk (derived)',
    needs: [],
    parse: (bytes) => parseCrosswalk(bytes),
  },
  'spreadspoke.games': {
    name: 'spreadspoke.games',
    file: 'nfl_spreadspoke/spreadspoke_scores.csv.gz',
    title: 'NFL games 1966–2025 with closing spread and total (spreadspoke)',
    needs: [CROSSWALK],
    parse: (bytes, need) => parseSpreadspoke(bytes, need<CrosswalkRow[]>(CROSSWALK)),
  },
  'elo538.games': {
    name: 'elo538.games',
    file: 'nfl_538_elo/nfl_games.csv.gz',
    title: 'NFL games 1920–2020 with FiveThirtyEight Elo',
    needs: [CROSSWALK],
    parse: (bytes, need) => parseElo538(bytes, need<CrosswalkRow[]>(CROSSWALK)),
  },
  'oddsportal.nfl': {
    name: 'oddsportal.nfl',
    file: 'odds_oddsportal/oddsportal_nfl.csv.gz',
    title: 'NFL results 2008–2025 with average closing moneylines (OddsPortal)',
    needs: [CROSSWALK],
    parse: (bytes, need) => parseOddsportal(bytes, need<CrosswalkRow[]>(CROSSWALK)),
  },
  'oddsportal.nba': {
    name: 'oddsportal.nba',
    file: 'odds_oddsportal/oddsportal_nba.csv.gz',
    title: 'NBA results 2008–2025 with average closing moneylines (OddsPortal)',
    needs: [],
    parse: (bytes) => parseOddsportalNba(bytes),
  },
  'obd.random_men': {
    name: 'obd.random_men',
    file: 'bandit_obd/random_men.csv.gz',
    title: 'Open Bandit Dataset sample: uniform random policy, men campaign (10k rows)',
    needs: [],
    parse: (bytes) => parseObdLog(bytes, 'random', 'men'),
  },
  'obd.random_women': {
    name: 'obd.random_women',
    file: 'bandit_obd/random_women.csv.gz',
    title: 'Open Bandit Dataset sample: uniform random policy, women campaign (10k rows)',
    needs: [],
    parse: (bytes) => parseObdLog(bytes, 'random', 'women'),
  },
  'obd.bts_men': {
    name: 'obd.bts_men',
    file: 'bandit_obd/bts_men.csv.gz',
    title: 'Open Bandit Dataset sample: Bernoulli Thompson Sampling, men campaign (10k rows)',
    needs: [],
    parse: (bytes) => parseObdLog(bytes, 'bts', 'men'),
  },
  'obd.bts_women': {
    name: 'obd.bts_women',
    file: 'bandit_obd/bts_women.csv.gz',
    title: 'Open Bandit Dataset sample: Bernoulli Thompson Sampling, women campaign (10k rows)',
    needs: [],
    parse: (bytes) => parseObdLog(bytes, 'bts', 'women'),
  },
  'obd.item_context_random_men': {
    name: 'obd.item_context_random_men',
    file: 'bandit_obd/item_context_random_men.csv.gz',
    title: 'Open Bandit Dataset item features (random log, men)',
    needs: [],
    parse: (bytes) => parseObdItems(bytes, 'random', 'men'),
  },
  'obd.item_context_random_women': {
    name: 'obd.item_context_random_women',
    file: 'bandit_obd/item_context_random_women.csv.gz',
    title: 'Open Bandit Dataset item features (random log, women)',
    needs: [],
    parse: (bytes) => parseObdItems(bytes, 'random', 'women'),
  },
  'obd.item_context_bts_men': {
    name: 'obd.item_context_bts_men',
    file: 'bandit_obd/item_context_bts_men.csv.gz',
    title: 'Open Bandit Dataset item features (bts log, men)',
    needs: [],
    parse: (bytes) => parseObdItems(bytes, 'bts', 'men'),
  },
  'obd.item_context_bts_women': {
    name: 'obd.item_context_bts_women',
    file: 'bandit_obd/item_context_bts_women.csv.gz',
    title: 'Open Bandit Dataset item features (bts log, women)',
    needs: [],
    parse: (bytes) => parseObdItems(bytes, 'bts', 'women'),
  },
  ...gamestateDatasetDefs,
};

export class UnknownDatasetError extends Error {
  readonly code = 'unknown_dataset';
  constructor(readonly dataset: string) {
    super(`unknown dataset '${dataset}'; known: ${Object.keys(defs).join(', ')}`);
    this.name = 'UnknownDatasetError';
  }
}

function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(defs, name);
}

export function getDataset(name: string): DatasetDef {
  if (!isDatasetName(name)) throw new UnknownDatasetError(name);
  return defs[name] as DatasetDef;
}

export function listDatasets(): DatasetDef[] {
  return Object.values(defs) as DatasetDef[];
}

/** The file of a dataset, relative to data/ (e.g. `nfl_538_elo/nfl_games.csv.gz`). */
export function datasetFile(name: string): string {
  return getDataset(name).file;
}

/** The names plus everything they need, each once, dependencies first, in a stable order. */
export function datasetClosure(names: Iterable<string>): string[] {
  const out: string[] = [];
  const visit = (n: string, path: string[]) => {
    if (out.includes(n)) return;
    if (path.includes(n)) throw new Error(`dataset dependency cycle: ${[...path, n].join(' → ')}`);
    for (const d of getDataset(n).needs) visit(d, [...path, n]);
    out.push(n);
  };
  for (const n of names) visit(n, []);
  return out;
}
