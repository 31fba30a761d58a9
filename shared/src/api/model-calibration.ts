/*
 * GET /api/v1/models/:id/calibration: a cover model and the analytic baseline scored on the same
 * held-out plays, season by season and pooled. Bins are 0.05 wide and play-weighted, as the
 * registry's calibration error counts them; Δ log loss is baseline − model per play (> 0: the model
 * is better), with its standard error over games (a game's plays share its label).
 */

export interface CalibrationBin {
  /** The bin holds forecasts p with from ≤ p < to (the last bin also holds 1). */
  from: number;
  to: number;
  plays: number;
  /** Mean forecast and observed cover rate of the bin's plays; null when it has none. */
  meanForecast: number | null;
  observed: number | null;
}

export interface CalibrationScores {
  plays: number;
  logLoss: number;
  brier: number;
  calibrationError: number;
  bins: CalibrationBin[];
}

export interface PairedLogLoss {
  games: number;
  /** Baseline − model log loss per play: > 0 when the model is better. */
  meanImprovement: number;
  /** Standard error of the mean over games of the per-game differences (scaled to per play). */
  standardError: number | null;
}

export interface SeasonCalibration {
  season: number;
  /** Whether the model was trained without this season (a season it saw scores it in-sample). */
  heldOut: boolean;
  model: CalibrationScores;
  baseline: CalibrationScores;
  delta: PairedLogLoss;
}

export interface ModelCalibration {
  modelId: string;
  seasons: number[];
  baseline: { name: string; sigma: number };
  perSeason: SeasonCalibration[];
  /** The plays of every listed season together. */
  pooled: (Omit<SeasonCalibration, 'season'> & { season: null }) | null;
}
