import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import type { BatchSummary } from '@nfl-grid/shared/api/console-types';
import { isSportSubmit, SportTrainingSubmitBody, TrainingSubmitBody, trainingToBatchSpec } from '@nfl-grid/shared/api/training';
import { batchFor, requireAuth } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { cancelBatch } from '../queue/cancel-batch';
import { submitBatch } from '../queue/submit-batch';
import { visibleHosts } from './hosts';
import { badRequestFromZod, readJson } from './http/validate';
import { sportTrainingPlan } from '../models/sport-training-plan';
import { idParam } from './http/id-param';
import { batchSummary, batchUsage, listBatches, ownerName, wuCounts } from './batches';
import { computeHours, hostCounts } from './queue';

/*
 * The training-queue clients' view of a batch ("job"), in the snake_case those clients expect.
 * pending: no work unit has started; running: some have; completed/failed: the batch finished
 * with at least one / no work unit done; cancelled.
 */

type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

function jobStatus(b: BatchSummary): JobStatus {
  if (b.state === 'cancelled') return 'cancelled';
  if (b.state === 'done') return b.counts.done === 0 && b.counts.failed > 0 ? 'failed' : 'completed';
  return b.counts.pending === b.wuCount ? 'pending' : 'running';
}

function trainingJob(b: BatchSummary) {
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

const ALL = 1000;

async function jobsOf(grid: Grid, user: AuthUser, opts: { state?: 'open'; ownOnly?: boolean } = {}) {
  const { batches } = await listBatches(grid.db, user, { state: opts.state, limit: ALL, offset: 0 }, { ownOnly: opts.ownOnly });
  return batches.map(trainingJob);
}

/** `/api/training/*`: the training-queue API, served from batches (a job is a batch). */
export function trainingRoutes(grid: Grid) {
  const anyone = requireAuth(grid);
  return new Hono()
    .get('/queue',
      describeRoute({ summary: 'Pending and running jobs with progress (yours; admins: all)' }),
      anyone,
      async (c) => {
        const jobs = (await jobsOf(grid, c.get('user'), { state: 'open' })).sort((a, b) => b.priority - a.priority || String(a.created_at).localeCompare(String(b.created_at)));
        const pending = jobs.filter((j) => j.status === 'pending');
        const running = jobs.filter((j) => j.status === 'running');
        return c.json({ jobs, pending_count: pending.length, running_count: running.length, queue_length: jobs.length });
      })
    .post('/submit',
      describeRoute({
        summary: 'Submit a job (a batch): seed 001\'s form (sport, model_type, epochs, learning_rate, batch_size, optional model_id, test_seasons) trains that model family walk-forward with train.sport@1; or name, kernel or task_type, params, grid, priority, replicates',
      }),
      requireAuth(grid, ['researcher', 'admin']),
      async (c) => {
        const raw = await readJson(await c.req.text());
        let spec: unknown;
        if (isSportSubmit(raw)) {
          const b = SportTrainingSubmitBody.safeParse(raw);
          if (!b.success) throw badRequestFromZod(b.error, 'body');
          spec = await sportTrainingPlan(grid, c.get('scope'), b.data);
        } else {
          const b = TrainingSubmitBody.safeParse(raw);
          if (!b.success) throw badRequestFromZod(b.error, 'body');
          spec = trainingToBatchSpec(b.data);
        }
        const parsed = BatchSpec.safeParse(spec);
        if (!parsed.success) throw badRequestFromZod(parsed.error, 'body');
        const r = await submitBatch(grid, c.get('user').id, parsed.data);
        return c.json({ success: true, job_id: r.batchId, status: 'pending' as const, name: parsed.data.name, kernel: parsed.data.kernel, work_units: r.wuCount, estimated_hours: r.estimatedHours });
      })
    .get('/job/:id',
      describeRoute({ summary: 'One job with progress, CPU hours and credit granted' }),
      anyone, idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const [counts, usage, owner] = await Promise.all([wuCounts(grid.db, [b.id]), batchUsage(grid.db, b.id), ownerName(grid.db, b.ownerId)]);
        return c.json({
          ...trainingJob(batchSummary(b, owner, counts.get(b.id))),
          cpu_hours: usage.cpuHours, gpu_hours: usage.gpuHours, credit_granted: usage.creditGranted, validated_alone: usage.validatedAlone, spec: b.spec,
        });
      })
    .post('/job/:id/cancel',
      describeRoute({ summary: 'Cancel a job' }),
      anyone, idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const r = await cancelBatch(grid, b.id, c.get('user').id);
        return c.json({ success: true, job_id: b.id, status: 'cancelled' as const, cancelled_units: r.wusCancelled, cancelled_replicas: r.replicasCancelled });
      })
    .get('/user-jobs',
      describeRoute({ summary: 'All jobs of the calling user, newest first' }),
      anyone,
      async (c) => {
        const me = c.get('user');
        const jobs = await jobsOf(grid, me, { ownOnly: true });
        return c.json({ user: me.name, jobs, total: jobs.length });
      })
    .get('/gpu-stats',
      describeRoute({ summary: 'GPU hosts with their load and temperature, and GPU hours (hosts listed: yours; admins: all)' }),
      anyone,
      async (c) => {
        const [hours, counts, [agg], list] = await Promise.all([
          computeHours(grid),
          hostCounts(grid),
          grid.db.rows<{ online: number; load: number | null; temp: number | null }>(sql`
            SELECT count(*) FILTER (WHERE online)::int AS online,
                   avg((readings->>'gpuLoad')::float8) FILTER (WHERE online) AS load,
                   avg((readings->>'gpuTemp')::float8) FILTER (WHERE online) AS temp
              FROM hosts WHERE gpu AND status <> 'banned'`),
          visibleHosts(grid, c.get('user'), { where: sql`gpu` }),
        ]);
        const gpus = list.map((h) => {
          const r = (h.readings ?? {}) as { gpuLoad?: number | null; gpuTemp?: number | null; memUsed?: number | null };
          const hw = (h.hardware ?? {}) as { gpus?: { model: string; memoryMb: number | null }[] };
          return {
            host_id: h.id, host_name: h.name, owner: h.owner.name, online: h.online, status: h.status, intensity: h.intensity,
            backend: h.backend, models: (hw.gpus ?? []).map((g) => g.model), memory_mb: (hw.gpus ?? []).reduce((s, g) => s + (g.memoryMb ?? 0), 0),
            load: r.gpuLoad ?? null, temperature: r.gpuTemp ?? null, last_contact: h.lastContact,
          };
        });
        return c.json({
          total_gpu_hosts: counts.gpu,
          gpu_hosts_online: Math.max(Number(agg?.online ?? 0), gpus.filter((g) => g.online).length),
          average_load: agg?.load === null || agg?.load === undefined ? null : Number(agg.load),
          average_temperature: agg?.temp === null || agg?.temp === undefined ? null : Number(agg.temp),
          gpu_hours: hours.gpuHours,
          cpu_hours: hours.cpuHours,
          gpus,
        });
      });
}
