import { playsDataset, type CoverPlay, type ParsedPlays } from '../../data/gamestate/plays';
import { coverRows, evenlySpaced, FEATURE_SETS, fitColumnScaler, standardised, type ColumnScaler } from '../../learn/cover-rows';
import type { EpochData } from '../../learn/mlp-tf';
import { derived } from '../derived-cache';
import type { KernelData } from '../types';
import { fitSeasons, validationSeason, type TrainMlpParams } from './mlp-params';

/*
 * The rows a train.mlp run learns from and validates on, built once per KernelData: plays of the
 * fit seasons and of the validation season (each capped at maxRows, evenly spread), their
 * features, and the scaler (fitted on the fit rows, or the init model's), applied in float32.
 * With a shard, the run learns from every `count`-th fit row from `index` on; the scaler is
 * fitted before the rows are split, so that the shards of a federated round agree on it.
 */

export interface TrainRows {
  features: readonly string[];
  scaler: ColumnScaler;
  fitSeasons: number[];
  validationSeason: number;
  fit: EpochData;
  validation: EpochData;
}

function plays(data: KernelData, seasons: readonly number[], maxRows: number | undefined): CoverPlay[] {
  const all = seasons.flatMap((s) => data.dataset<ParsedPlays>(playsDataset(s)).rows);
  return maxRows === undefined ? all : evenlySpaced(all.length, maxRows).map((i) => all[i]);
}

/** Every `count`-th play from `index` on. */
const shardOf = <T>(rows: readonly T[], shard: { index: number; count: number }): T[] => rows.filter((_, i) => i % shard.count === shard.index);

/** The validation season's plays a run with these params scored its claim on. */
export const validationPlays = (data: KernelData, p: TrainMlpParams): CoverPlay[] =>
  plays(data, [validationSeason(p.fold.testSeason)], p.maxRows);

export function trainRows(data: KernelData, p: TrainMlpParams): TrainRows {
  const key = { test: p.fold.testSeason, features: p.featureSet, maxRows: p.maxRows ?? null, scaler: p.init?.scaler ?? null, shard: p.shard ?? null };
  return derived(data, 'train.mlp.rows', key, () => {
    const features = FEATURE_SETS[p.featureSet], fitS = fitSeasons(p.fold.testSeason), valS = validationSeason(p.fold.testSeason);
    const all = plays(data, fitS, p.maxRows);
    const fitAll = coverRows(all, features);
    const fit = p.shard ? coverRows(shardOf(all, p.shard), features) : fitAll;
    const val = coverRows(validationPlays(data, p), features);
    const scaler = p.init ? p.init.scaler : fitColumnScaler(fitAll);
    return {
      features, scaler, fitSeasons: fitS, validationSeason: valS,
      fit: { x: standardised(fit, scaler), y: fit.y, n: fit.n },
      validation: { x: standardised(val, scaler), y: val.y, n: val.n },
    };
  });
}
