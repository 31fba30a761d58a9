import type { BatchSummary } from './batch-summaries';

/*
 * The training-queue clients' view of a batch ("job"), in the snake_case those clients expect.
 * pending: no work unit has started; running: some have; completed/failed: the batch finished
 * with at least one / no work unit done; cancelled.
 */

export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export function jobStatus(b: BatchSummary): JobStatus {
  if (b.state === 'cancelled') return 'cancelled';
  if (b.state === 'done') return b.counts.done === 0 && b.counts.failed > 0 ? 'failed' : 'completed';
  return b.counts.pending === b.wuCount ? 'pending' : 'running';
}

export function trainingJob(b: BatchSummary) {
  const [name] = b.kernel.split('@');
  return {
    job_id: b.id,
    name: b.name,
    kernel: b.kernel,
    task_type: name!,
    status: jobStatus(b),
    progress: b.progress.percent,
    priority: b.priority,
    owner: b.owner.name,
    total_units: b.wuCount,
    pending_units: b.counts.pending,
    running_units: b.counts.running + b.counts.validating,
    completed_units: b.counts.done,
    failed_units: b.counts.failed,
    cancelled_units: b.counts.cancelled,
    estimated_hours: b.estimatedHours,
    created_at: b.createdAt,
    finished_at: b.finishedAt,
  };
}
export type TrainingJob = ReturnType<typeof trainingJob>;
