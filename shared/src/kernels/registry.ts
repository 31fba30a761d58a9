import { benchHash } from './bench/hash';
import { mcBankroll } from './mc/bankroll';
import { mcSeason } from './mc/season';
import { kernelRef, type Kernel } from './types';
import { didYouMean } from '../api/did-you-mean';
import { calibrationAblation } from './calibration/ablation';
import { calibrationFit } from './calibration/fit';
import { marginKeyNumbers } from './margin/key-numbers';
import { stateSpace } from './ratings/state-space';
import { backtestCompare } from './backtest/compare';
import { backtestRun } from './backtest/run';
import { copulaFit } from './copula/fit';
import { copulaGof } from './copula/gof';
import { opeEstimate } from './ope/estimate';
import { coverBaseline } from './cover/baseline-kernel';
import { trainMlp } from './train/mlp-kernel';
import { trainSport } from './train/sport-kernel';

/** Every kernel this build can run, keyed by `name@version`. */
const all: Kernel[] = [benchHash, mcSeason, mcBankroll];
all.push(stateSpace, marginKeyNumbers, calibrationFit, calibrationAblation);
all.push(copulaFit, copulaGof, opeEstimate, backtestRun, backtestCompare);
all.push(coverBaseline);
all.push(trainMlp);
all.push(trainSport);

const byRef = new Map(all.map((k) => [kernelRef(k), k]));

/** "unknown kernel X; did you mean Y? (kernels: …)": the nearest name, if near enough, and every name. */
export function unknownKernelMessage(ref: string): string {
  const names = [...new Set(all.map((k) => k.name))].sort();
  const hint = didYouMean(ref.split('@')[0]!, names);
  return `unknown kernel ${ref}${hint ? `; did you mean ${hint}?` : ''} (kernels: ${names.join(', ')})`;
}

class UnknownKernelError extends Error {
  readonly code = 'unknown_kernel';
  constructor(readonly ref: string) {
    super(unknownKernelMessage(ref));
    this.name = 'UnknownKernelError';
  }
}

export function getKernel(ref: string): Kernel {
  const k = byRef.get(ref);
  if (!k) throw new UnknownKernelError(ref);
  return k;
}

export function findKernel(ref: string): Kernel | undefined {
  return byRef.get(ref);
}

/** The newest version of a kernel by name. */
export function latestKernel(name: string): Kernel | undefined {
  return all.filter((k) => k.name === name).sort((a, b) => b.version - a.version)[0];
}

export function listKernels(): Kernel[] {
  return [...all];
}
