import { parentPort } from 'node:worker_threads';
import { chunkReplicates, type CombinePlan, finishCombine, planCombine } from '@nfl-grid/shared/combine/combine';
import { CombineError } from '@nfl-grid/shared/combine/errors';
import type { FromWorker, ToWorker } from './combine-threads';

/*
 * A merge worker thread: the CPU-heavy parts of GET /batches/:id/combined (parsing outputs,
 * pooling and sorting, bootstrap replicates) run here, off the coordinator's event loop. One
 * request at a time; the plan it pooled or was given stays for the chunks that follow.
 */

const port = parentPort;
if (!port) throw new Error('combine-worker.ts must run in a worker thread');

let plan: CombinePlan | null = null;

function handle(m: ToWorker): FromWorker {
  switch (m.type) {
    case 'plan':
      plan = planCombine(m.rows.map((r) => ({ ...r, output: JSON.parse(r.output) as unknown })), m.options, { shared: true });
      return { id: m.id, type: 'plan', plan };
    case 'load':
      plan = m.plan;
      return { id: m.id, type: 'loaded' };
    case 'chunk':
      if (!plan) throw new Error('chunk before a plan');
      return { id: m.id, type: 'chunk', replicates: chunkReplicates(plan, m.group, m.chunk) };
    case 'finish':
      if (!plan) throw new Error('finish before a plan');
      return { id: m.id, type: 'finish', figures: finishCombine(plan, m.chunks) };
  }
}

port.on('message', (m: ToWorker) => {
  let reply: FromWorker;
  try {
    reply = handle(m);
  } catch (e) {
    const err = e as Error;
    reply = { id: m.id, type: 'error', name: err.name, code: e instanceof CombineError ? e.code : null, message: err.message };
  }
  port.postMessage(reply, reply.type === 'chunk' ? [reply.replicates.buffer as ArrayBuffer] : []);
});
