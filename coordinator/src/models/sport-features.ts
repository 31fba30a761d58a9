import { FEATURE_NAMES } from '@nfl-grid/shared/data/gamestate/features';
import { SERVED_FEATURES } from './cover-predictor';

/*
 * Seed 001's model types per sport and the features each reads, for
 * GET /api/models/sport-features/:sport/:model_type. NFL's `cover` is the in-game cover model this
 * coordinator serves; the others describe the season-level models of seed 001.
 */

const SPORT_FEATURES: Record<string, string[]> = {
  NFL: ['yards_for', 'yards_against', 'points_for', 'points_against', 'turnovers', 'sacks', 'temperature', 'humidity', 'wind', 'precipitation'],
  NBA: ['points', 'pace', 'offensive_rating', 'defensive_rating', 'rebounds', 'field_goal_pct', 'three_point_pct', 'free_throw_pct'],
};

const WEATHER = ['temperature', 'humidity', 'wind', 'precipitation'];

interface ModelTypeInfo {
  description: string;
  defaults: Record<string, unknown>;
  /** Features beyond the sport's own (or instead of them, with `only`). */
  extra?: string[];
  only?: string[];
  sports?: string[];
}

const MODEL_TYPES: Record<string, ModelTypeInfo> = {
  lstm_weather: {
    description: 'LSTM over a sequence of each team\'s recent games, with the weather of each game',
    defaults: { units: 64, layers: 2, dropout: 0.3, sequence_length: 10 },
    extra: WEATHER,
  },
  ensemble: {
    description: 'random forest, boosted trees, logistic regression and a neural network, combined by voting or a meta-learner, with agreement scores',
    defaults: { models: ['random_forest', 'gradient_boosting', 'logistic_regression', 'neural_network'], voting: 'soft', meta_learner: false },
  },
  neural_network: {
    description: 'feed-forward network with batch normalisation and dropout, sized per sport',
    defaults: { hidden_units: [64, 32], batch_norm: true, dropout: 0.3 },
  },
  statistical: {
    description: 'linear, Poisson and Bayesian models with L2 regularisation and 5-fold cross-validation',
    defaults: { models: ['linear', 'poisson', 'bayesian'], l2: 1.0, cv_folds: 5 },
  },
  cover: {
    description: 'in-game probability that the favourite covers the spread (POST /game/inference)',
    defaults: { format: 'nfl-grid.mlp/1', kernel: 'train.mlp@1' },
    only: [...FEATURE_NAMES],
    sports: ['NFL'],
  },
  cover_baseline: {
    description: 'analytic in-game cover probability: remaining margin Normal(line·t, σ²·t), σ fitted on the training seasons',
    defaults: { format: 'nfl-grid.cover-normal/1', kernel: 'cover.baseline@1' },
    only: ['lead', 'line', 't'],
    sports: ['NFL'],
  },
};

export type SportFeaturesAnswer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; field: 'sport' | 'model_type'; message: string };

export function sportFeatures(sportRaw: string, modelType: string): SportFeaturesAnswer {
  const sport = sportRaw.toUpperCase();
  const base = SPORT_FEATURES[sport];
  if (!base) return { ok: false, field: 'sport', message: `unknown sport ${sportRaw}; known: ${Object.keys(SPORT_FEATURES).join(', ')}` };
  const info = MODEL_TYPES[modelType];
  if (!info || (info.sports && !info.sports.includes(sport))) {
    const known = Object.entries(MODEL_TYPES).filter(([, v]) => !v.sports || v.sports.includes(sport)).map(([k]) => k);
    return { ok: false, field: 'model_type', message: `unknown model type ${modelType} for ${sport}; known: ${known.join(', ')}` };
  }
  const features = info.only ?? [...new Set([...base, ...(info.extra ?? [])])];
  const served = info.only ? { served_from_request: [...SERVED_FEATURES], missing_when_served: info.only.filter((f) => !(SERVED_FEATURES as readonly string[]).includes(f)) } : {};
  return { ok: true, body: { sport, model_type: modelType, description: info.description, features, feature_count: features.length, defaults: info.defaults, ...served } };
}
