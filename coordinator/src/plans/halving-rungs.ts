/*
 * The rung rule of successive halving (Jamieson & Talwalkar 2016, the inner loop of Hyperband),
 * read as a best-arm bandit: each configuration is an arm, a rung pulls every arm still in play
 * for the same budget of epochs, and the rung's loss of an arm is its validation log loss. After a
 * rung the best max(1, ⌊n/eta⌋) of the n arms pulled stay in play, the rest are eliminated;
 * a configuration whose WU failed has no loss and is eliminated.
 */

/** Total epochs at the end of each rung: minEpochs, ×eta each rung, the last one exactly maxEpochs. */
export function rungEpochs(minEpochs: number, maxEpochs: number, eta: number): number[] {
  const out = [minEpochs];
  while (out[out.length - 1]! < maxEpochs) out.push(Math.min(out[out.length - 1]! * eta, maxEpochs));
  return out;
}

export interface RungResult {
  configuration: number;
  validationLogLoss: number | null;
}

/**
 * The configurations that continue after a rung, best first: the max(1, ⌊n/eta⌋) lowest
 * validation log losses of the n pulled, a tie going to the lower configuration number.
 */
export function survivors(results: readonly RungResult[], eta: number): number[] {
  const keep = Math.max(1, Math.floor(results.length / eta));
  return results
    .filter((r): r is RungResult & { validationLogLoss: number } => r.validationLogLoss !== null && Number.isFinite(r.validationLogLoss))
    .sort((a, b) => a.validationLogLoss - b.validationLogLoss || a.configuration - b.configuration)
    .slice(0, keep)
    .map((r) => r.configuration);
}
