/*
 * The one error class of the batch merge. Its codes let the API answer 409 (nothing to merge
 * yet, or nothing mergeable) or 400 (bad options) without parsing messages.
 */

export type CombineErrorCode =
  /** The batch's kernel has no merge (only mc.bankroll@1 and mc.season@1 have one). */
  | 'not_mergeable'
  /** No validated results yet. */
  | 'no_results'
  /** Results exist, but none can be pooled (e.g. mc.bankroll run without keepScenarios). */
  | 'no_mergeable_results'
  /** Options outside their range. */
  | 'bad_argument';

export class CombineError extends Error {
  constructor(readonly code: CombineErrorCode, message: string) {
    super(message);
    this.name = 'CombineError';
  }
}
