import type { CalibrationScores, ModelCalibration, PairedLogLoss, SeasonCalibration } from '@nfl-grid/shared/api/model-calibration';
import type { CoverPlay } from '@nfl-grid/shared/data/gamestate/plays';
import { SECONDS_PER_GAME } from '@nfl-grid/shared/data/gamestate/features';
import { coverProbability } from '@nfl-grid/shared/kernels/cover/baseline';
import { addForecast, clippedLogLoss, emptyMetricSums, mergeSums, metricsOf, type MetricSums } from '@nfl-grid/shared/kernels/cover/metrics';
import { forecastPlays } from '@nfl-grid/shared/learn/rescore';
import { applyPlatt, ENSEMBLE_FORMAT } from '@nfl-grid/shared/models/mlp-ensemble';
import { baselineArtifact, NORMAL_FORMAT, type CoverArtifact, type NormalArtifact } from './cover-predictor';
import { evaluationPlays } from './evaluate';

/*
 * A cover model's reliability on held-out plays, beside the analytic baseline on the same plays.
 * The model's forecasts are made as the registry's figures were: a network from every feature of
 * the play (re-scoring, shared/learn/rescore.ts), the analytic model from lead, line and time left;
 * so its calibration error here is the one recorded at registration. The baseline is the served
 * fallback (σ = BASELINE_SIGMA, fitted on every season: if anything it flatters the baseline).
 *
 * A season's sums depend only on the artifact (by sha256) and the data files, which do not change
 * while the process runs: they are kept, and pooled over seasons on request.
 */

interface GameSum { n: number; d: number }
interface SeasonSums { model: MetricSums; baseline: MetricSums; games: GameSum[] }

const CACHE_MAX = 256;
const cache = new Map<string, Promise<SeasonSums>>();

function forecastsOf(a: CoverArtifact, plays: readonly CoverPlay[]): Float64Array {
  if (a.format === NORMAL_FORMAT) return Float64Array.from(plays, (p) => coverProbability(p.lead, p.line, p.secondsLeft / SECONDS_PER_GAME, a.sigma));
  if (a.format !== ENSEMBLE_FORMAT) return forecastPlays(a, plays);
  // An ensemble: its members' mean, through its calibration layer if it has one.
  const mean = new Float64Array(plays.length);
  for (const m of a.members) forecastPlays(m, plays).forEach((x, i) => { mean[i] += x / a.members.length; });
  const layer = a.calibration;
  return layer ? mean.map((x) => applyPlatt(layer, x)) : mean;
}

function seasonSums(plays: readonly CoverPlay[], artifact: CoverArtifact, baseline: NormalArtifact): SeasonSums {
  const pm = forecastsOf(artifact, plays), pb = forecastsOf(baseline, plays);
  const model = emptyMetricSums(), base = emptyMetricSums(), games = new Map<string, GameSum>();
  plays.forEach((p, i) => {
    addForecast(model, pm[i]!, p.covered);
    addForecast(base, pb[i]!, p.covered);
    const g = games.get(p.gameId) ?? { n: 0, d: 0 };
    g.n++;
    g.d += clippedLogLoss(pb[i]!, p.covered) - clippedLogLoss(pm[i]!, p.covered);
    games.set(p.gameId, g);
  });
  return { model, baseline: base, games: [...games.values()] };
}

function scores(s: MetricSums): CalibrationScores {
  const m = metricsOf(s), width = 1 / s.binCount.length;
  return {
    plays: s.n, logLoss: m.logLoss, brier: m.brier, calibrationError: m.calibrationError,
    bins: s.binCount.map((c, b) => ({
      from: b * width, to: (b + 1) * width, plays: c,
      meanForecast: c ? s.binP[b]! / c : null, observed: c ? s.binY[b]! / c : null,
    })),
  };
}

/**
 * Δ per play and its standard error over games: a game's difference is scaled by games / plays so
 * that the mean over games is the mean per play (as the promotion test reads them).
 */
function pairedLogLoss(games: readonly GameSum[]): PairedLogLoss {
  const G = games.length, N = games.reduce((s, g) => s + g.n, 0);
  if (G === 0 || N === 0) return { games: G, meanImprovement: NaN, standardError: null };
  const x = games.map((g) => (g.d * G) / N);
  const mean = x.reduce((s, v) => s + v, 0) / G;
  const variance = G > 1 ? x.reduce((s, v) => s + (v - mean) ** 2, 0) / (G - 1) : NaN;
  return { games: G, meanImprovement: mean, standardError: G > 1 ? Math.sqrt(variance / G) : null };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function cachedSeason(dataDir: string, sha256: string, artifact: CoverArtifact, season: number): Promise<SeasonSums> {
  const key = `${dataDir}\0${sha256}\0${season}`;
  let hit = cache.get(key);
  if (!hit) {
    // one season at a time on the event loop, after a turn so that waiting requests go first
    hit = nextTurn().then(() => seasonSums(evaluationPlays(dataDir, [season]), artifact, baselineArtifact()));
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

function combine(sums: SeasonSums, heldOut: boolean): Omit<SeasonCalibration, 'season'> {
  return { heldOut, model: scores(sums.model), baseline: scores(sums.baseline), delta: pairedLogLoss(sums.games) };
}

export interface CalibrationInput { id: string; artifactSha256: string; heldOutSeasons: readonly number[] }

/** Reliability of the model and the baseline on each season, and pooled over them. */
export async function modelCalibration(dataDir: string, m: CalibrationInput, artifact: CoverArtifact, seasons: readonly number[]): Promise<ModelCalibration> {
  const perSeason: SeasonCalibration[] = [];
  const all: SeasonSums[] = [];
  for (const season of seasons) {
    const sums = await cachedSeason(dataDir, m.artifactSha256, artifact, season);
    all.push(sums);
    perSeason.push({ season, ...combine(sums, m.heldOutSeasons.includes(season)) });
  }
  const pooled = all.length === 0 ? null : {
    season: null,
    ...combine({
      model: all.map((s) => s.model).reduce((a, b) => mergeSums(a, b)),
      baseline: all.map((s) => s.baseline).reduce((a, b) => mergeSums(a, b)),
      games: all.flatMap((s) => s.games),
    }, perSeason.every((s) => s.heldOut)),
  };
  return { modelId: m.id, seasons: [...seasons], baseline: { name: 'cover-baseline', sigma: baselineArtifact().sigma }, perSeason, pooled };
}
