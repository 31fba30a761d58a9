import { parentPort } from 'node:worker_threads';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import type { ReplicaCheck, UncheckedReplica } from '../queue/record-checks';
import type { CheckReply, CheckRequest } from './check-threads';

/*
 * The check thread (check-threads.ts): runs each output's Kernel.verify with the data sets it
 * names, read from the coordinator's data folder with the loader the kernels use in tests and
 * local runs. A few data set combinations stay parsed between requests.
 */

const port = parentPort;
if (!port) throw new Error('check-worker.ts must run in a worker thread');

const KEEP = 4;
const loaded = new Map<string, KernelData>();

function dataFor(inputsDir: string, names: string[]): KernelData {
  const key = `${inputsDir}\n${[...names].sort().join(',')}`;
  let data = loaded.get(key);
  if (data) {
    loaded.delete(key);
  } else {
    data = loadLocalKernelData(inputsDir, names);
    if (loaded.size >= KEEP) loaded.delete(loaded.keys().next().value!);
  }
  loaded.set(key, data);
  return data;
}

const failed = (replicaId: number, reason: string): ReplicaCheck => ({ replicaId, ok: false, reason, rescored: null, workFlops: null });

function checkOne(inputsDir: string, item: UncheckedReplica): ReplicaCheck {
  const kernel = findKernel(item.kernelRef);
  if (!kernel?.verify) return { replicaId: item.replicaId, ok: true, reason: null, rescored: null, workFlops: null };
  const params = kernel.paramsSchema.safeParse(item.params);
  if (!params.success) return failed(item.replicaId, `the WU's params do not parse: ${params.error.issues[0]?.message}`);
  // A data set the coordinator cannot read is its own problem, not the host's: the request fails.
  const data = dataFor(inputsDir, kernel.verify.datasets(params.data));
  try {
    const c = kernel.verify.check(JSON.parse(item.output), params.data, item.costEstimate, data);
    return { replicaId: item.replicaId, ...c };
  } catch (e) {
    // An output of the wrong shape makes the check throw: it fails the check.
    return failed(item.replicaId, `the check could not read the output: ${(e as Error).message}`);
  }
}

port.on('message', (m: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = { id: m.id, checks: m.items.map((i) => checkOne(m.inputsDir, i)) };
  } catch (e) {
    reply = { id: m.id, error: (e as Error).message };
  }
  port.postMessage(reply);
});
