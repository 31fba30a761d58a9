/*
 * Statistical testing for nfl-grid: distributions, permutation and bootstrap inference, classical
 * tests, effect sizes and multiple-comparison control. Everything is written here from the math
 * (no statistics libraries), runs in Node and the browser, and takes its randomness from the
 * seeded Rng of math/rng.ts, so every p-value and interval is reproducible. Bad input throws
 * StatsError. The special functions come from math/, which the kernels share.
 */
export { StatsError, type StatsErrorCode } from '../math/errors';
export type { Alternative } from './alternative';
export { mean, variance, quantileSorted } from './descriptive';

// Special functions and distributions
export { logGamma, regularizedGammaP, regularizedGammaQ } from '../math/gamma';
export { logBeta, regularizedBeta } from '../math/beta';
export { normalCdf, normalSf, normalPdf, normalQuantile } from '../math/normal';
export { studentTCdf, studentTSf, studentTPdf, studentTQuantile } from './student-t';
export { chiSquareCdf, chiSquareSf, chiSquarePdf, chiSquareQuantile } from './chi-square';
export { fCdf, fSf, fPdf, fQuantile } from './f-dist';

// Resampling
export {
  permutationTest, DEFAULT_EXACT_LIMIT, DEFAULT_PERMUTATIONS, MIN_PERMUTATIONS,
  type PermutationOptions, type PermutationResult, type TwoSampleStatistic,
} from './permutation';
export { pairedPermutationTest, signFlipTest, type PairedPermutationOptions, type OneSampleStatistic } from './paired-permutation';
export {
  bootstrapCi, bootstrapReplicates, jackknifeValues, accelerationFromJackknife, DEFAULT_RESAMPLES, MIN_RESAMPLES,
  type BootstrapOptions, type BootstrapInterval, type Statistic,
} from './bootstrap';
export { binomial, multinomial, uniform53 } from './binomial';
export { poissonOnes, resampleCounts, toMultinomial } from './resample-counts';

// Classical tests
export { welchTTest, type WelchOptions, type WelchResult } from './welch';
export { oneWayAnova, etaSquared, type AnovaResult } from './anova';
export {
  chiSquareIndependence, chiSquareGoodnessOfFit,
  type ChiSquareResult, type GoodnessOfFitOptions, type GoodnessOfFitResult,
} from './chi-square-test';

// Effect sizes
export { cohensD, hedgesJ, hedgesJApprox, type CohensDResult } from './cohens-d';
export { cliffsDelta, type CliffsDeltaResult } from './cliffs-delta';
export { oddsRatio, type OddsRatioOptions, type OddsRatioResult } from './odds-ratio';

// Multiple comparisons
export { bonferroni, holm, benjaminiHochberg, type AdjustedPValues } from './p-adjust';
export { storeyQValues, pi0AtLambda, pi0Bootstrap, LAMBDA_GRID, type Pi0Method, type QValueResult } from './storey';
export { benjaminiKriegerYekutieli, type BkyResult } from './bky';
