import { canonicalJson } from '../hashing/canonical-json';

/*
 * Checkpoints of kernels whose state is plain JSON with a `step` and the `params` it was made
 * for: the snapshot is a deep copy, and a restore checks the snapshot belongs to these params.
 */

export const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function restoreOwnSnapshot<S extends { step: number; params: unknown }>(
  kernel: string, params: unknown, snapshot: unknown, malformed: (s: S) => boolean,
): S {
  const s = jsonCopy(snapshot) as S;
  if (!s || typeof s.step !== 'number' || malformed(s) || canonicalJson(s.params) !== canonicalJson(params)) {
    throw new Error(`${kernel}: snapshot does not belong to these params`);
  }
  return s;
}
