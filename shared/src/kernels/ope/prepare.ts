import type { ObdCampaign, ObdLog, ObdPolicy } from '../../data/obd';
import { obdLogDataset } from '../../data/obd';
import type { OpeRows } from './estimators';
import {
  meanClick, policyFitRows, policyMatrix, policyScores, replayValue, SLOTS, type EvalPolicySpec, type ReferenceValue,
} from './policies';
import { fitRewardModel, type RewardModelSpec } from './reward-model';

/*
 * Everything ope.estimate derives from params and data before bootstrapping: the evaluation
 * policy, the cross-fitted reward model, the per-row inputs of the estimators, and the reference
 * value the estimates are judged against (policies.ts). A plain function, so the API can also
 * call it directly for a small evaluation.
 */

export interface OpeSetup {
  campaign: ObdCampaign;
  log: ObdPolicy;
  policy: EvalPolicySpec;
  rewardModel: RewardModelSpec;
  folds: number;
}

export interface PreparedOpe {
  rows: OpeRows;
  clicks: number;
  /** π_e(a | slot), slots × items. */
  pi: Float64Array;
  reference: ReferenceValue;
  /** Largest importance weight in the log. */
  maxWeight: number;
}

export function prepareOpe(log: ObdLog, random: ObdLog, s: OpeSetup): PreparedOpe {
  if (random.policy !== 'random' || random.campaign !== log.campaign) throw new Error('prepareOpe: needs the random log of the same campaign');
  const m = log.nItems, n = log.nRows;
  const modelBased = s.policy.kind !== 'uniform' && s.policy.kind !== 'logging';
  const pi = policyMatrix(s.policy, log, modelBased ? policyScores(random) : undefined);
  const qhat = fitRewardModel(log, s.rewardModel, s.folds);
  const rows: OpeRows = {
    n, nSlots: SLOTS, w: new Float64Array(n), r: new Float64Array(n), q: new Float64Array(n), d: new Float64Array(n), slot: new Int32Array(n),
  };
  let clicks = 0, maxWeight = 0;
  for (let i = 0; i < n; i++) {
    const k = log.position[i] - 1, a = log.itemId[i];
    rows.slot[i] = k;
    rows.r[i] = log.click[i];
    clicks += log.click[i];
    // the logging policy's weight is 1 by definition, whatever the recorded propensity's rounding
    rows.w[i] = s.policy.kind === 'logging' ? 1 : pi[k * m + a] / log.propensity[i];
    maxWeight = Math.max(maxWeight, rows.w[i]);
    rows.q[i] = qhat[i * m + a];
    let d = 0;
    for (let b = 0; b < m; b++) d += pi[k * m + b] * qhat[i * m + b];
    rows.d[i] = d;
  }
  let reference: ReferenceValue;
  if (s.policy.kind === 'uniform') {
    reference = { ...meanClick(random), rows: random.nRows, kind: 'on_policy_mean', dataset: obdLogDataset('random', random.campaign) };
  } else if (s.policy.kind === 'logging') {
    reference = { ...meanClick(log), rows: n, kind: 'on_policy_mean', dataset: obdLogDataset(s.log, log.campaign) };
  } else {
    const from = policyFitRows(random);
    reference = { ...replayValue(random, pi, from), rows: random.nRows - from, kind: 'replay_second_half', dataset: obdLogDataset('random', random.campaign) };
  }
  return { rows, clicks, pi, reference, maxWeight };
}
