import { z } from 'zod';

/*
 * Random search: `samples` configurations drawn from `space` with the batch seed, so the same
 * spec always gives the same configurations. A key is a param name, or a dotted path into a
 * nested param (`optimizer.learningRate`).
 */

const Bounds = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, { message: 'expected [low, high] with low ≤ high' });

export const SearchDimension = z.union([
  z.strictObject({ choice: z.array(z.unknown()).min(1).max(1000) }),
  /** Uniform on [low, high]. */
  z.strictObject({ uniform: Bounds }),
  /** Log-uniform on [low, high] (both above 0): learning rates, regularisation. */
  z.strictObject({ logUniform: Bounds.refine(([lo]) => lo > 0, { message: 'logUniform needs low > 0' }) }),
  /** A whole number, uniform on low..high inclusive. */
  z.strictObject({ int: z.tuple([z.number().int(), z.number().int()]).refine(([lo, hi]) => lo <= hi, { message: 'expected [low, high] with low ≤ high' }) }),
]);
export type SearchDimension = z.infer<typeof SearchDimension>;

export const SearchSpec = z.strictObject({
  samples: z.number().int().min(1).max(10_000),
  space: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'expected a param name or dotted path'), SearchDimension)
    .refine((s) => Object.keys(s).length > 0, { message: 'give at least one dimension' }),
});
export type SearchSpec = z.infer<typeof SearchSpec>;
