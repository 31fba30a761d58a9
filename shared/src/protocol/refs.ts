import { z } from 'zod';

/*
 * References on the wire: inputs and outputs by their sha256, kernels by name and version.
 */

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

/** Kernel reference as `name@version`, e.g. `mc.season@1`. */
export const KernelRef = z.string().regex(/^[a-z][a-z0-9_.-]*@[0-9]+$/, 'expected name@version');
