import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

describe.each(dbKinds())('training-queue routes (%s)', (kind) => {
  let t: TestApp;
  let res: { id: string; key: string };
  let other: { id: string; key: string };
  beforeAll(async () => {
    t = await openTestApp(kind);
    res = await t.user('tara', 'researcher');
    other = await t.user('tom', 'researcher');
  });
  afterAll(async () => t?.close());

  it('maps a submitted job onto a batch and reports it in snake_case', async () => {
    const sub = await t.call('POST', '/api/training/submit', {
      key: res.key,
      body: { name: 'hash sweep', task_type: 'bench.hash', params: { steps: 2 }, grid: { rounds: [10, 20] }, priority: 'high', replicates: 2 },
    });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ success: true, status: 'pending', work_units: 4 });
    const [b] = await t.grid.db.rows<{ priority: number; kernel: string; wu_count: number }>(sql`SELECT priority, kernel, wu_count FROM batches WHERE id = ${sub.body.job_id}`);
    expect(b).toEqual({ priority: 100, kernel: 'bench.hash', wu_count: 4 });
    const job = await t.call('GET', `/api/training/job/${sub.body.job_id}`, { key: res.key });
    // The versioned path is the same route.
    expect((await t.call('GET', `/api/v1/training/job/${sub.body.job_id}`, { key: res.key })).body).toEqual(job.body);
    expect(job.body).toMatchObject({
      job_id: sub.body.job_id, name: 'hash sweep', kernel: 'bench.hash@1', task_type: 'bench.hash', status: 'pending',
      progress: 0, total_units: 4, pending_units: 4, completed_units: 0, cpu_hours: 0, owner: 'tara',
    });
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE batch_id = ${sub.body.job_id} AND seq = 0`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE batch_id = ${sub.body.job_id} AND seq = 1`); // done is reached through running
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'done' WHERE batch_id = ${sub.body.job_id} AND seq = 1`);
    const q = await t.call('GET', '/api/training/queue', { key: res.key });
    expect(q.body).toMatchObject({ running_count: 1, pending_count: 0 });
    expect(q.body.jobs[0]).toMatchObject({ job_id: sub.body.job_id, status: 'running', progress: 25, running_units: 1, completed_units: 1 });
  });

  it('validates the body like a batch, naming the field', async () => {
    const none = await t.call('POST', '/api/training/submit', { key: res.key, body: { name: 'x', params: {} } });
    expect(none.body.error).toMatchObject({ code: 'invalid_field', field: 'kernel' });
    const unknown = await t.call('POST', '/api/training/submit', { key: res.key, body: { name: 'x', kernel: 'nope' } });
    expect(unknown.body.error).toMatchObject({ code: 'unknown_kernel', field: 'kernel' });
    const params = await t.call('POST', '/api/training/submit', { key: res.key, body: { name: 'x', kernel: 'bench.hash', params: { rounds: 'many' } } });
    expect(params.body.error).toMatchObject({ code: 'bad_params', field: 'params.rounds' });
    const prio = await t.call('POST', '/api/training/submit', { key: res.key, body: { name: 'x', kernel: 'bench.hash', priority: 'asap' } });
    expect(prio.body.error.field).toBe('priority');
  });

  it('keeps jobs to their owner and lets the owner cancel', async () => {
    const sub = await t.call('POST', '/api/training/submit', { key: res.key, body: { name: 'mine', kernel: 'bench.hash@1' } });
    expect((await t.call('GET', `/api/training/job/${sub.body.job_id}`, { key: other.key })).status).toBe(404);
    expect((await t.call('POST', `/api/training/job/${sub.body.job_id}/cancel`, { key: other.key })).status).toBe(404);
    expect((await t.call('GET', '/api/training/user-jobs', { key: other.key })).body.jobs).toEqual([]);
    const cancel = await t.call('POST', `/api/training/job/${sub.body.job_id}/cancel`, { key: res.key });
    expect(cancel.body).toMatchObject({ success: true, status: 'cancelled', cancelled_units: 1 });
    const mine = await t.call('GET', '/api/training/user-jobs', { key: res.key });
    expect(mine.body.jobs.map((j: { name: string; status: string }) => [j.name, j.status])).toEqual([['mine', 'cancelled'], ['hash sweep', 'running']]);
    // The admin's own job list holds only the admin's jobs.
    expect((await t.call('GET', '/api/training/user-jobs')).body.jobs).toEqual([]);
    expect((await t.call('GET', '/api/training/queue', { key: null })).status).toBe(401);
  });

  it('reports GPU hosts with load, temperature and GPU hours', async () => {
    const gpuHost = await t.host(res.id, {
      name: 'rig', gpu: true, online: true, hardware: { gpus: [{ model: 'RTX 3090', memoryMb: 24576 }] },
      readings: { cpuLoad: 50, gpuLoad: 80, memUsed: 40, cpuTemp: 70, gpuTemp: 66, battery: null },
    });
    await t.host(other.id, { name: 'cpu-only' });
    const [wu] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units LIMIT 1`);
    // Two hours on the GPU backend count; an hour of the same host on wasm does not.
    const [wu2] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE id <> ${wu!.id} LIMIT 1`);
    await t.grid.db.rows(sql`INSERT INTO replicas (wu_id, host_id, owner_id, state, validate_state, deadline, cpu_seconds, elapsed_seconds, backend) VALUES
      (${wu!.id}, ${gpuHost}, ${res.id}, 'reported', 'valid', now(), 600, 7200, 'tfjs-node-gpu'),
      (${wu2!.id}, ${gpuHost}, ${res.id}, 'reported', 'valid', now(), 3600, 3600, 'wasm')`);
    const g = await t.call('GET', '/api/training/gpu-stats', { key: res.key });
    expect(g.body).toMatchObject({ total_gpu_hosts: 1, gpu_hosts_online: 1, average_load: 80, average_temperature: 66, gpu_hours: 2 });
    expect(g.body.gpus).toEqual([expect.objectContaining({ host_name: 'rig', models: ['RTX 3090'], memory_mb: 24576, load: 80, temperature: 66, online: true })]);
    const others = await t.call('GET', '/api/training/gpu-stats', { key: other.key });
    expect(others.body).toMatchObject({ total_gpu_hosts: 1, gpus: [] });
  });
});
