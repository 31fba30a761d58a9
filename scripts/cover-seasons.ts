/*
 * `npm run cover:seasons -- FILE`: the leave-one-season-out table of the cover models in FILE
 * (written by `npm run train:ensemble`) against the analytic baseline, each fold's σ fitted on
 * the fold's training seasons (every season but the test season).
 *
 * Every model is scored as it is served (coverPredictor: lead, line and time left). Per season
 * and overall: log loss, Brier and calibration error (0.05 bins, play-weighted) of the ensemble
 * and the baseline, and the paired differences baseline − ensemble with standard errors where a
 * game is the unit (its plays share a label): for log loss and Brier the per-game sums of the
 * differences, for calibration error a bootstrap over games. Also the ensemble against its first
 * member alone, which shows what the averaging and the Platt layer add.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeShare } from '@nfl-grid/shared/data/gamestate/features';
import type { CoverPlay } from '@nfl-grid/shared/data/gamestate/plays';
import { coverProbability, fitInputs, fitSigma } from '@nfl-grid/shared/kernels/cover/baseline';
import { addForecast, calibrationErrorOf, clippedLogLoss, coverMetrics, emptyMetricSums, mergeSums, type MetricSums } from '@nfl-grid/shared/kernels/cover/metrics';
import type { SeasonPlays } from '@nfl-grid/shared/kernels/cover/plays';
import { ENSEMBLE_FORMAT } from '@nfl-grid/shared/models/mlp-ensemble';
import { bootstrapReplicates, summariseReplicates } from '@nfl-grid/shared/stats/bootstrap';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { coverPredictor, parseCoverArtifact, type CoverPredictor } from '../coordinator/src/models/cover-predictor';
import { evaluationPlays } from '../coordinator/src/models/evaluate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = join(ROOT, 'data');
const BOOTSTRAP_RESAMPLES = 1000;

interface Game { n: number; dLog: number; dBrier: number; a: MetricSums; b: MetricSums }

const flat = (plays: readonly CoverPlay[]): SeasonPlays => ({
  season: 0, n: plays.length,
  lead: Float64Array.from(plays, (p) => p.lead), line: Float64Array.from(plays, (p) => p.line),
  t: Float64Array.from(plays, (p) => timeShare(p.secondsLeft)), y: Uint8Array.from(plays, (p) => p.covered),
});

/** Per game: plays, Σ(loss of b − loss of a) for log loss and Brier, and each model's calibration sums. */
function pairedGames(plays: readonly CoverPlay[], a: (p: CoverPlay) => number, b: (p: CoverPlay) => number): Game[] {
  const games = new Map<string, Game>();
  for (const p of plays) {
    const g = games.get(p.gameId) ?? { n: 0, dLog: 0, dBrier: 0, a: emptyMetricSums(), b: emptyMetricSums() };
    const pa = a(p), pb = b(p);
    g.n++;
    g.dLog += clippedLogLoss(pb, p.covered) - clippedLogLoss(pa, p.covered);
    g.dBrier += (pb - p.covered) ** 2 - (pa - p.covered) ** 2;
    addForecast(g.a, pa, p.covered);
    addForecast(g.b, pb, p.covered);
    games.set(p.gameId, g);
  }
  return [...games.values()];
}

/** Mean per play of a per-game sum, and its standard error with the game as the unit. */
function perPlay(games: readonly Game[], key: 'dLog' | 'dBrier'): { mean: number; se: number } {
  const n = games.reduce((s, g) => s + g.n, 0), G = games.length;
  const x = games.map((g) => (g[key] * G) / n);
  const mean = x.reduce((s, v) => s + v, 0) / G;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (G - 1));
  return { mean, se: sd / Math.sqrt(G) };
}

const calDiff = (games: readonly Game[]) =>
  calibrationErrorOf(games.reduce((s, g) => mergeSums(s, g.b), emptyMetricSums())) - calibrationErrorOf(games.reduce((s, g) => mergeSums(s, g.a), emptyMetricSums()));

function compare(games: readonly Game[]) {
  const reps = bootstrapReplicates(games, calDiff, BOOTSTRAP_RESAMPLES, 7);
  return { log: perPlay(games, 'dLog'), brier: perPlay(games, 'dBrier'), cal: { mean: calDiff(games), se: summariseReplicates(reps).standardError } };
}

const f4 = (x: number) => x.toFixed(4);
const pm = (d: { mean: number; se: number }) => `${d.mean >= 0 ? '+' : '−'}${Math.abs(d.mean).toFixed(4)} ± ${d.se.toFixed(4)}`;

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cover-seasons FILE');
  const { ensembles } = JSON.parse(readFileSync(file, 'utf8')) as { ensembles: { heldOutSeasons: number[]; artifact: unknown }[] };
  const folds = ensembles.map((e) => ({ season: e.heldOutSeasons[0]!, artifact: parseCoverArtifact(e.artifact) })).sort((a, b) => a.season - b.season);
  const all: { base: Game[]; first: Game[]; plays: CoverPlay[]; pe: number[]; pb: number[]; p1: number[] } = { base: [], first: [], plays: [], pe: [], pb: [], p1: [] };
  const lines = [
    '| season | plays | σ | log loss (model / baseline) | Brier (model / baseline) | cal. error (model / baseline) | Δ log loss (baseline − model) | Δ Brier | Δ cal. error | Δ log loss vs one member |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of folds) {
    const test = evaluationPlays(INPUTS, [f.season]);
    const training = evaluationPlays(INPUTS, GAMESTATE_SEASONS.filter((s) => s !== f.season));
    const fit = fitInputs([flat(training)]);
    const { sigma } = fitSigma(fit.u, fit.y);
    const model = coverPredictor(f.artifact);
    const first: CoverPredictor = f.artifact.format === ENSEMBLE_FORMAT ? coverPredictor(f.artifact.members[0]!) : model;
    const state = (p: CoverPlay) => ({ lead: p.lead, line: p.line, secondsLeft: p.secondsLeft });
    const pe = test.map((p) => model.predict(state(p)));
    const pb = test.map((p) => coverProbability(p.lead, p.line, timeShare(p.secondsLeft), sigma));
    const p1 = test.map((p) => first.predict(state(p)));
    const idx = new Map(test.map((p, i) => [p, i]));
    const at = (arr: number[]) => (p: CoverPlay) => arr[idx.get(p)!]!;
    const base = pairedGames(test, at(pe), at(pb)), one = pairedGames(test, at(pe), at(p1));
    all.base.push(...base); all.first.push(...one); all.plays.push(...test); all.pe.push(...pe); all.pb.push(...pb); all.p1.push(...p1);
    const y = test.map((p) => p.covered), me = coverMetrics(pe, y), mb = coverMetrics(pb, y), c = compare(base);
    lines.push(`| ${f.season} | ${test.length} | ${sigma.toFixed(2)} | ${f4(me.logLoss)} / ${f4(mb.logLoss)} | ${f4(me.brier)} / ${f4(mb.brier)} | ${f4(me.calibrationError)} / ${f4(mb.calibrationError)} | ${pm(c.log)} | ${pm(c.brier)} | ${pm(c.cal)} | ${pm(perPlay(one, 'dLog'))} |`);
  }
  const y = all.plays.map((p) => p.covered), me = coverMetrics(all.pe, y), mb = coverMetrics(all.pb, y), m1 = coverMetrics(all.p1, y), c = compare(all.base);
  lines.push(`| **all** | ${all.plays.length} | | ${f4(me.logLoss)} / ${f4(mb.logLoss)} | ${f4(me.brier)} / ${f4(mb.brier)} | ${f4(me.calibrationError)} / ${f4(mb.calibrationError)} | ${pm(c.log)} | ${pm(c.brier)} | ${pm(c.cal)} | ${pm(perPlay(all.first, 'dLog'))} |`);
  process.stdout.write(`${lines.join('\n')}\n\nfirst member alone, all folds: log loss ${f4(m1.logLoss)}, Brier ${f4(m1.brier)}, calibration error ${f4(m1.calibrationError)}; games ${all.base.length}\n`);
}

main();
