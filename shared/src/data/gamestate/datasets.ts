import type { DatasetDef } from '../dataset-def';
import { GAMES_DATASET, parseStateGames, type StateGame } from './games';
import { parseCoverPlays, playsDataset, type ParsedPlays } from './plays';

/*
 * The nflgame play-by-play data sets (data/nfl_gamestate/, provenance in data/README.md): the
 * games file and one plays file per season, so a work unit names only the seasons it reads. The
 * plays need the games (line and final score). shared/src/data/datasets.ts spreads these in.
 */

export const GAMESTATE_SEASONS = [2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019] as const;
export type GamestateSeason = (typeof GAMESTATE_SEASONS)[number];

export type GamestateDatasetRows =
  { 'gamestate.games': StateGame[] } & { [S in GamestateSeason as `gamestate.plays_${S}`]: ParsedPlays };

const playsDef = (season: GamestateSeason): DatasetDef<ParsedPlays> => ({
  name: playsDataset(season),
  file: `nfl_gamestate/nflgame_plays_${season}.csv.gz`,
  title: `NFL play-by-play game states, ${season} season (nflgame feeds), joined to the closing line`,
  needs: [GAMES_DATASET],
  parse: (bytes, need) => parseCoverPlays(bytes, need<StateGame[]>(GAMES_DATASET), playsDataset(season)),
});

type GamestateDefs = { [K in keyof GamestateDatasetRows]: DatasetDef<GamestateDatasetRows[K]> };

function buildDefs(): GamestateDefs {
  const plays: Record<string, DatasetDef<ParsedPlays>> = {};
  for (const s of GAMESTATE_SEASONS) plays[playsDataset(s)] = playsDef(s);
  const games: DatasetDef<StateGame[]> = {
    name: GAMES_DATASET,
    file: 'nfl_gamestate/nflgame_games_2009_2019.csv.gz',
    title: 'NFL games 2009–2019 of the nflgame feeds, with closing line and final score',
    needs: [],
    parse: (bytes) => parseStateGames(bytes),
  };
  return { [GAMES_DATASET]: games, ...plays } as GamestateDefs;
}

export const gamestateDatasetDefs: GamestateDefs = buildDefs();

/** Dataset names of the plays of these seasons, plus the games file. */
export function gamestateDatasets(seasons: readonly number[]): string[] {
  return [GAMES_DATASET, ...seasons.map(playsDataset)];
}
