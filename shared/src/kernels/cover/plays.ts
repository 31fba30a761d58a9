import { GAMES_DATASET } from '../../data/gamestate/games';
import { playsDataset, type ParsedPlays } from '../../data/gamestate/plays';
import { derived } from '../derived-cache';
import type { KernelData } from '../types';

/*
 * A season's kept plays as flat arrays for scoring: the favourite's lead, the line, the time
 * share t = secondsLeft/3600 and the cover label. Cached per KernelData, read-only.
 */

export interface SeasonPlays {
  season: number;
  n: number;
  lead: Float64Array;
  line: Float64Array;
  t: Float64Array;
  y: Uint8Array;
}

export function seasonPlays(data: KernelData, season: number): SeasonPlays {
  return derived(data, 'cover.season-plays', season, () => {
    const rows = data.dataset<ParsedPlays>(playsDataset(season)).rows;
    const n = rows.length;
    const out: SeasonPlays = { season, n, lead: new Float64Array(n), line: new Float64Array(n), t: new Float64Array(n), y: new Uint8Array(n) };
    rows.forEach((r, i) => {
      out.lead[i] = r.lead;
      out.line[i] = r.line;
      out.t[i] = r.secondsLeft / 3600;
      out.y[i] = r.covered;
    });
    return out;
  });
}

/** Datasets that seasonPlays reads for these seasons. */
export const seasonPlaysDatasets = (seasons: readonly number[]): string[] => [GAMES_DATASET, ...seasons.map(playsDataset)];
