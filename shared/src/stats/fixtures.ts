/*
 * Published data sets shared by the tests of this module (not exported from index.ts).
 */

/**
 * Benjamini & Hochberg (1995, JRSS B 57:289–300), §4.2: the 15 sorted p-values of a multiple-
 * endpoint trial. At q = 0.05 BH rejects the 4 smallest; Bonferroni-type procedures reject 3.
 */
export const BH95: readonly number[] = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0,
];

/**
 * Student (1908), Biometrika 6:1–25, after Cushny & Peebles: extra hours of sleep of 10 patients
 * under two drugs (R's `sleep`, group 1 and group 2, same patients in the same order).
 */
export const SLEEP_DRUG1: readonly number[] = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
export const SLEEP_DRUG2: readonly number[] = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
