import { getKernel } from '@nfl-grid/shared/kernels/registry';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import type { AgentMessage, MessageOf } from '@nfl-grid/shared/protocol/messages';
import type { ResultItem, WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import type { CheckpointClaims } from '@nfl-grid/shared/signing/checkpoint-signature';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { CheckpointStore } from '../disk/checkpoint-store';
import { AgentError, DeadlinePassedError, KernelRunError, describe } from '../errors';
import type { Throttle } from '../heat/heat';
import type { RemoteCheckpoint } from '../link/checkpoint-fetch';
import { applyFault, type Fault } from './fault';
import type { InputStore } from './inputs';
import type { KernelThread, WorkerPool } from './worker-pool';
import type { TfSource } from '../heat/tf-load';

/*
 * Runs one work item from its verified claims to a ResultItem: check the deadline, look up the
 * kernel and parse its params, fetch and verify its inputs, find a checkpoint to resume from (the
 * local one, else the coordinator's for a reissued replica), then run it in a worker thread.
 * Checkpoints the worker posts are written to disk atomically and uploaded; on stop the worker's
 * last snapshot is saved too, so a restart (or another host) resumes from there.
 */

/** A running item as the work loop, progress reports and the status view see it. */
export interface RunningItem {
  readonly item: WorkItem;
  readonly controller: AbortController;
  step: number;
  totalSteps: number;
  /** Set when the coordinator cancelled it (as opposed to the agent stopping). */
  cancelled: boolean;
  /** The worker running it, once there is one (the heat control throttles it). */
  thread: KernelThread | null;
  /** Step it resumed from, or null when it started at 0. */
  resumedFrom: number | null;
  suspended: boolean;
  /** When it was launched on this machine (this run), epoch milliseconds. */
  readonly startedAt: number;
}

export type ItemOutcome =
  | { status: 'finished'; result: ResultItem }
  | { status: 'stopped'; steps: number }
  | { status: 'failed'; code: string; message: string };

type CheckpointMsg = MessageOf<AgentMessage, 'checkpoint'>;

export interface ItemRunnerDeps {
  /** Verified input bytes by sha256 (inputs.ts). */
  inputs: Pick<InputStore, 'get'>;
  pool: WorkerPool;
  checkpoints: CheckpointStore;
  /** The coordinator's checkpoint of a reissued replica (checkpoint-fetch.ts). */
  fetchCheckpoint(item: WorkItem): Promise<RemoteCheckpoint>;
  /** Sends a `checkpoint` message; false when offline (the next one goes instead). */
  upload(msg: CheckpointMsg): boolean;
  /** This host's signature over a checkpoint it uploads (signing/checkpoint-signature.ts). */
  signCheckpoint(c: Omit<CheckpointClaims, 'iat' | 'hostId'>): Promise<string>;
  throttle(run: RunningItem): Throttle;
  /** Busy milliseconds between checkpoints. */
  checkpointEveryMs(): number;
  /** How a worker loads TensorFlow.js for a kernel that trains, and where it says what it got. */
  tf: TfSource;
  fault: Fault;
  log: Logger;
}

/** Largest checkpoint uploaded (the protocol allows 16 MB of base64). */
const MAX_UPLOAD_BYTES = 11_000_000;

export function newRunningItem(item: WorkItem): RunningItem {
  return { item, controller: new AbortController(), step: 0, totalSteps: 0, cancelled: false, thread: null, resumedFrom: null, suspended: false, startedAt: Date.now() };
}

/** Never throws: every failure becomes a `failed` outcome with an error code. */
export async function runItem(run: RunningItem, deps: ItemRunnerDeps, now = Date.now): Promise<ItemOutcome> {
  const { item } = run;
  const signal = run.controller.signal;
  const { log } = deps;
  try {
    if (item.deadline <= now()) throw new DeadlinePassedError(item.replicaId, item.deadline);
    let kernel: Kernel;
    let params: unknown;
    try {
      kernel = getKernel(item.kernel);
      params = kernel.paramsSchema.parse(item.params);
    } catch (e) {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel}: ${describe(e)}`, { cause: e });
    }
    run.totalSteps = kernel.totalSteps(params);
    const files = await untilAborted(Promise.all(item.inputs.map(async (i) => ({ name: i.name, bytes: await deps.inputs.get(i.sha256) }))), signal);
    if (!files) return { status: 'stopped', steps: 0 };
    const resume = await findResume(item, deps);
    const acquiring = deps.pool.acquire();
    const thread = await untilAborted(acquiring, signal);
    if (!thread) {
      acquiring.then((t) => deps.pool.release(t), () => undefined);
      return { status: 'stopped', steps: resume?.step ?? 0 };
    }
    run.thread = thread;

    const saver = checkpointSaver(item, deps);
    const onAbort = () => thread.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    const outcome = await thread.run({
      replicaId: item.replicaId,
      kernel: item.kernel,
      params: item.params,
      seed: item.seed,
      inputs: { key: item.inputs.map((i) => `${i.name}=${i.sha256}`).sort().join(','), files },
      resume: resume ? { step: resume.step, snapshot: new TextDecoder().decode(resume.payload) } : null,
      throttle: deps.throttle(run),
      checkpointEveryMs: deps.checkpointEveryMs(),
      tf: deps.tf.load(),
    }, {
      started(m) {
        run.step = m.step;
        run.totalSteps = m.totalSteps;
        if (m.backend) {
          log.info(`replica=${item.replicaId} trains on the TensorFlow.js backend ${m.backend}`, { replicaId: item.replicaId, backend: m.backend });
          deps.tf.loaded(m.backend);
        }
        if (m.resumed) {
          run.resumedFrom = m.step;
          log.info(`resumed replica=${item.replicaId} from step=${m.step} of ${m.totalSteps} (${resume?.source})`, { replicaId: item.replicaId, step: m.step });
        } else if (resume) {
          log.warn(`checkpoint of replica=${item.replicaId} (${resume.source}, step ${resume.step}) did not restore (${m.resumeError}); starting from step 0`, { replicaId: item.replicaId });
          void deps.checkpoints.remove([item.replicaId]);
        }
      },
      progress(step, totalSteps) {
        run.step = step;
        run.totalSteps = totalSteps;
      },
      checkpoint: (step, snapshot) => saver.offer(step, snapshot),
    }).finally(() => {
      signal.removeEventListener('abort', onAbort);
      run.thread = null;
      deps.pool.release(thread);
    });

    if (outcome.type === 'stopped') {
      run.step = outcome.step;
      if (outcome.step > 0) await saver.offer(outcome.step, outcome.snapshot);
      else await saver.idle();
      return { status: 'stopped', steps: outcome.step };
    }
    await saver.idle();
    if (outcome.type === 'failed') {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel} failed at step ${outcome.step}: ${outcome.message}`);
    }
    if (outcome.type === 'crashed') throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel}: kernel worker crashed (${outcome.message})`);
    run.step = outcome.steps;

    const output = applyFault(deps.fault, outcome.output);
    let outputSha256: string;
    try {
      outputSha256 = await sha256Hex(canonicalJson(output));
    } catch (e) {
      throw new KernelRunError('kernel_error', item.replicaId, `${item.kernel} produced an output that cannot be hashed: ${describe(e)}`);
    }
    return {
      status: 'finished',
      result: {
        replicaId: item.replicaId,
        output,
        outputSha256,
        // Busy time of the worker thread between steps (its sleeps are not counted).
        cpuSeconds: round(outcome.busyMs / 1000),
        elapsedSeconds: round((performance.now() - started) / 1000),
        steps: outcome.steps,
        // A neural kernel names the TensorFlow.js backend it ran on (GPU hours count tfjs-node-gpu).
        ...(outcome.backend ? { backend: outcome.backend } : {}),
      },
    };
  } catch (e) {
    const code = e instanceof AgentError ? e.code : 'kernel_error';
    return { status: 'failed', code, message: describe(e).slice(0, 4000) };
  }
}

interface Resume {
  step: number;
  payload: Uint8Array;
  source: string;
}

/** The local checkpoint, or the coordinator's when it is further along; null for step 0. */
async function findResume(item: WorkItem, deps: ItemRunnerDeps): Promise<Resume | null> {
  const { log } = deps;
  let best: Resume | null = null;
  const local = await deps.checkpoints.load(item.replicaId);
  if (local.status === 'ok') {
    if (local.header.kernel === item.kernel && local.header.wuId === item.wuId) best = { step: local.header.step, payload: local.payload, source: 'local checkpoint' };
    else log.warn(`checkpoint of replica=${item.replicaId} is for ${local.header.kernel} wu=${local.header.wuId}; ignoring it`);
  } else if (local.status === 'corrupt') {
    log.warn(`checkpoint of replica=${item.replicaId} is corrupt (${local.reason}); starting from step 0`, { replicaId: item.replicaId });
  }
  if (item.resumeFrom && item.resumeFrom.step > (best?.step ?? 0)) {
    const remote = await deps.fetchCheckpoint(item);
    if (remote.status === 'ok') best = { step: remote.step, payload: remote.payload, source: `coordinator checkpoint of wu=${item.wuId}` };
    else log.info(`no usable checkpoint from the coordinator for replica=${item.replicaId} wu=${item.wuId} (${remote.reason}); ${best ? `using the local one at step ${best.step}` : 'starting from step 0'}`);
  }
  return best;
}

/** Saves checkpoints one at a time; while one is being written only the newest waits. */
function checkpointSaver(item: WorkItem, deps: ItemRunnerDeps) {
  let writing: Promise<void> | null = null;
  let next: { step: number; snapshot: string } | null = null;
  let warnedSize = false;
  const write = async (step: number, snapshot: string) => {
    const payload = new TextEncoder().encode(snapshot);
    try {
      const h = await deps.checkpoints.save({ replicaId: item.replicaId, wuId: item.wuId, kernel: item.kernel, step }, payload);
      let uploaded = false;
      if (payload.length <= MAX_UPLOAD_BYTES) {
        const signature = await deps.signCheckpoint({ wuId: item.wuId, replicaId: item.replicaId, kernel: item.kernel, step, sha256: h.sha256 });
        uploaded = deps.upload({ type: 'checkpoint', replicaId: item.replicaId, step, sha256: h.sha256, data: Buffer.from(payload).toString('base64'), signature });
      } else if (!warnedSize) {
        warnedSize = true;
        deps.log.warn(`checkpoint of replica=${item.replicaId} is ${payload.length} bytes; kept locally, too big to upload`);
      }
      deps.log.info(`checkpoint saved replica=${item.replicaId} step=${step} bytes=${payload.length}${uploaded ? ' uploaded' : ''}`, { replicaId: item.replicaId, step, sha256: h.sha256 });
    } catch (e) {
      deps.log.error(`cannot save the checkpoint of replica=${item.replicaId}: ${describe(e)}`);
    }
  };
  const pump = async () => {
    while (next) {
      const { step, snapshot } = next;
      next = null;
      await write(step, snapshot);
    }
    writing = null;
  };
  return {
    offer(step: number, snapshot: string): Promise<void> {
      next = { step, snapshot };
      writing ??= pump();
      return writing;
    },
    idle(): Promise<void> {
      return writing ?? Promise.resolve();
    },
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The promise's value, or null as soon as the signal aborts. */
async function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return null;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
