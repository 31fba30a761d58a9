import type { NbaGameRow } from '../../data/oddsportal-nba';
import type { GameTable, GameTableRow } from '../../sports/game-table';
import { buildNbaTable } from '../../sports/nba/build-table';
import { derived } from '../derived-cache';
import type { KernelData } from '../types';
import type { TrainSportParams } from './sport-params';

/* A sport's GameTable, built once per KernelData, and a walk-forward fold of it. */

export function sportTable(data: KernelData, sport: TrainSportParams['sport']): GameTable {
  return derived(data, 'train.sport.table', { sport }, () => buildNbaTable(data.dataset<NbaGameRow[]>('oddsportal.nba')));
}

export interface SportFold { train: GameTableRow[]; test: GameTableRow[] }

/** Train on every game before the test season; score the test season's games. */
export function sportFold(table: GameTable, testSeason: number): SportFold {
  return { train: table.rows.filter((r) => r.season < testSeason), test: table.rows.filter((r) => r.season === testSeason) };
}
