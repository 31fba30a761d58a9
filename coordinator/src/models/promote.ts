import type { AuthUser } from '../auth/api-keys';
import { AppError, BadRequest, Conflict } from '../errors';
import type { Grid } from '../grid';
import { recordEvent } from '../auth/audit-log';
import { coverPredictor } from './cover-predictor';
import type { CoverModelServer } from './cover-server';
import { evaluationPlays, scorePaired } from './evaluate';
import type { PromotionNumbers } from '@nfl-grid/shared/api/console-types';
import { decidePromotion } from './promotion-decision';
import { getModel, loadArtifact, makeProduction, modelView, productionModel, recordDecision, rollbackModel } from './registry';
import { baselineModel, COVER_MODEL_NAME } from './served-model';

/*
 * POST /models/:id/promote and /rollback. A promotion scores the candidate and the current
 * production version (the analytic baseline when the name has none) on the same evaluation plays,
 * decides (promotion-decision.ts), and makes the candidate production only on `ship` — or when an
 * admin overrides, with a reason that goes to the audit log with the numbers.
 */

/** Seasons with play-by-play data. */
const DATA_SEASONS = { first: 2009, last: 2019 };

export interface PromoteOptions { alpha?: number; seasons?: number[]; override?: { reason: string } }

export async function promoteModel(grid: Grid, server: CoverModelServer, id: string, actor: AuthUser, opts: PromoteOptions) {
  const cand = await getModel(grid.db, id);
  if (cand.state === 'production') throw new Conflict(`${cand.name} v${cand.version} is already production`, 'already_production', 'id');
  const prod = await productionModel(grid.db, cand.name);
  const fallback = cand.name === COVER_MODEL_NAME ? baselineModel() : null;
  const prodHeldOut = prod ? prod.heldOutSeasons : fallback?.heldOutSeasons ?? [];
  const seasons = opts.seasons ?? cand.heldOutSeasons.filter((s) => prodHeldOut.includes(s));
  for (const [i, s] of seasons.entries()) {
    if (s < DATA_SEASONS.first || s > DATA_SEASONS.last) throw new BadRequest(`season ${s} has no play-by-play data (${DATA_SEASONS.first}–${DATA_SEASONS.last})`, `seasons.${i}`, 'invalid_field');
  }
  let numbers: PromotionNumbers | null = null;
  if (seasons.length > 0 && (prod || fallback)) {
    const candPred = coverPredictor(await loadArtifact(grid.db, cand.artifactSha256));
    const prodPred = prod ? coverPredictor(await loadArtifact(grid.db, prod.artifactSha256)) : fallback!.predictor;
    let plays;
    try {
      plays = evaluationPlays(grid.config.inputsDir, seasons);
    } catch (e) {
      grid.log.component('models').warn('evaluation plays unavailable', { inputsDir: grid.config.inputsDir, error: e as Error });
      if (!opts.override) throw new AppError(503, 'no_evaluation_data', `the plays of ${seasons.join(', ')} cannot be read from ${grid.config.inputsDir}`);
    }
    if (plays) {
      const scores = await scorePaired(plays, prodPred, candPred, seasons);
      numbers = {
        ...decidePromotion(scores.gameDiffs, { alpha: opts.alpha }),
        seasons, plays: scores.plays, candidateLogLoss: scores.candidate.logLoss, productionLogLoss: scores.production.logLoss,
      };
    }
  } else if (!opts.override) {
    if (!prod && !fallback) throw new Conflict(`${cand.name} has no production version to test against: promote the first one with an override and a reason`, 'no_production', 'override');
    throw new Conflict(
      `no evaluation seasons: ${cand.name} v${cand.version} and the production version share no held-out season; pass seasons, or an override with a reason`,
      'no_common_holdout', 'seasons',
    );
  }
  const against = prod ? { id: prod.id, name: prod.name, version: String(prod.version) } : fallback ? { id: null, name: fallback.name, version: fallback.version } : null;
  const decision = {
    decision: numbers?.decision ?? null, against, numbers,
    override: opts.override ? { reason: opts.override.reason, by: actor.name } : null,
    decidedAt: new Date().toISOString(),
  };
  const promote = numbers?.decision === 'ship' || !!opts.override;
  let row;
  if (promote) {
    row = await makeProduction(grid.db, cand.id, prod?.id ?? null, decision);
    if (row.name === COVER_MODEL_NAME) await server.changed();
  } else {
    await recordDecision(grid.db, cand.id, decision);
    row = { ...cand, decision };
  }
  await recordEvent(grid.db, promote ? (opts.override ? 'model.promoted_override' : 'model.promoted') : 'model.not_promoted', cand.id, actor.id, {
    name: cand.name, version: cand.version, ...decision,
  });
  return { promoted: promote, decision: numbers?.decision ?? null, override: decision.override, against, numbers, model: modelView(row) };
}

export async function rollback(grid: Grid, server: CoverModelServer, id: string, actor: AuthUser, reason?: string) {
  const { archived, restored } = await rollbackModel(grid.db, id);
  const served = archived.name === COVER_MODEL_NAME ? await server.changed() : null;
  await recordEvent(grid.db, 'model.rolled_back', id, actor.id, {
    name: archived.name, version: archived.version, restoredId: restored?.id ?? null, restoredVersion: restored?.version ?? null, reason: reason ?? null,
  });
  return {
    archived: modelView(archived),
    production: restored ? modelView(restored) : null,
    served: served ? { model: served.name, version: served.version } : null,
  };
}
