import { parseArgs } from 'node:util';
import { gamestateDatasets } from '@nfl-grid/shared/data/gamestate/datasets';
import { playsDataset, type CoverPlay, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { coverMetrics } from '@nfl-grid/shared/kernels/cover/metrics';
import { normalCdf } from '@nfl-grid/shared/math/normal';
import { Rng } from '@nfl-grid/shared/math/rng';

/*
 * How small can one season's calibration error be? Keeps a season's games, lines and play clock
 * times, draws each game's margin as a Brownian path (drift = line per game, sd σ·√time), labels
 * the game by its drawn final margin, and forecasts every play with the exact probability of that
 * process, so the forecaster is calibrated by construction. The calibration error it still scores
 * is the noise of the metric on ~250 games whose plays share one label. No real labels are read.
 *   node --import tsx scripts/calibration-floor.ts [--season 2019] [--sigma 13.4] [--draws 40]
 */

const { values } = parseArgs({
  options: { season: { type: 'string', default: '2019' }, sigma: { type: 'string', default: '13.4' }, draws: { type: 'string', default: '40' } },
  strict: true,
});
const season = Number(values.season), sigma = Number(values.sigma), draws = Number(values.draws);
const rows = loadLocalKernelData(DEFAULT_DATA_DIR, gamestateDatasets([season])).dataset<ParsedPlays>(playsDataset(season)).rows;
const games = new Map<string, CoverPlay[]>();
for (const r of rows) games.set(r.gameId, [...(games.get(r.gameId) ?? []), r]);

const errors: number[] = [];
for (let d = 0; d < draws; d++) {
  const rng = Rng.create(d + 1), p: number[] = [], y: number[] = [];
  for (const g of games.values()) {
    const line = g[0].line, leadAt = new Map<number, number>();
    let lead = 0, tPrev = 1;
    for (const t of [...new Set(g.map((r) => r.secondsLeft / 3600))].sort((a, b) => b - a)) {
      lead += line * (tPrev - t) + sigma * Math.sqrt(tPrev - t) * rng.normal();
      leadAt.set(t, lead);
      tPrev = t;
    }
    const label = lead + line * tPrev + sigma * Math.sqrt(tPrev) * rng.normal() > line ? 1 : 0;
    for (const r of g) {
      const t = r.secondsLeft / 3600, l = leadAt.get(t)!;
      p.push(t > 0 ? normalCdf((l - line * (1 - t)) / (sigma * Math.sqrt(t))) : l > line ? 1 : 0);
      y.push(label);
    }
  }
  errors.push(coverMetrics(p, y).calibrationError);
}
errors.sort((a, b) => a - b);
const q = (f: number) => errors[Math.min(draws - 1, Math.floor(f * draws))].toFixed(4);
console.log(`season ${season}: ${games.size} games, ${rows.length} plays, σ ${sigma}, ${draws} draws`);
console.log(`calibration error of a calibrated forecaster: mean ${(errors.reduce((a, b) => a + b, 0) / draws).toFixed(4)}, ` +
  `10% ${q(0.1)}, median ${q(0.5)}, 90% ${q(0.9)}, min ${errors[0].toFixed(4)}; ≤ 0.01 in ${errors.filter((e) => e <= 0.01).length} of ${draws}`);
