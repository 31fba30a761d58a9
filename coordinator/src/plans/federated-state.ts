import type { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import type { Scores } from './federated-scores';

/** What a federated plan keeps in batches.plan_state (GET /api/v1/batches/:id shows it as planState). */

export interface FederatedRound {
  round: number;
  wuIds: number[];
  /** Shards whose canonical output went into the average (a failed WU's shard sits the round out). */
  shardsAveraged: number;
  /** Examples the round's averaged shards trained on (epochs × fit rows). */
  examples: number;
  validation: Scores;
}

export interface FederatedState {
  rounds: FederatedRound[];
  /** The round whose average scored the lowest validation log loss so far. */
  bestRound: number | null;
  /** That round's averaged model. */
  best: MlpArtifact | null;
  /** Set when the plan has ended: why, and the registry model offered (null when none was). */
  ended: { reason: string; modelId: string | null; heldOut: Scores | null; note: string | null } | null;
}
