import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../disk/atomic-file';

/*
 * Requests to a running agent from `nfl-agent finish` (and `finish --cancel`): the command writes
 * `<data-dir>/control.json` atomically, the agent looks at it every second and answers in
 * status.json (`finishing`). A file rather than a signal works the same on every platform and
 * needs no pid; SIGUSR1/SIGUSR2 stay for the intensity (signals.ts).
 */

export const CONTROL_FILE = 'control.json';

export const ControlRequest = z.object({
  v: z.literal(1),
  /** Finish the work in hand, ask for no more, then pause (or exit). */
  finish: z.boolean(),
  exitAfter: z.boolean().default(false),
  at: z.string(),
  /** Tells two requests written within one clock tick apart. */
  id: z.string(),
});
export type ControlRequest = z.infer<typeof ControlRequest>;

export async function writeControl(dataDir: string, req: Omit<ControlRequest, 'v' | 'at' | 'id'>): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dataDir, CONTROL_FILE), JSON.stringify({ v: 1, ...req, at: new Date().toISOString(), id: randomUUID() }));
}

/** Watches control.json; `poll()` returns a request once, when a new one was written. */
export class ControlWatcher {
  private seenAt: string | null = null;

  constructor(private readonly dataDir: string) {}

  /** Forgets a request left from an earlier run (a new run starts without one). */
  async clear(): Promise<void> {
    await rm(join(this.dataDir, CONTROL_FILE), { force: true });
    this.seenAt = null;
  }

  async poll(): Promise<ControlRequest | null> {
    let req: ControlRequest;
    try {
      req = ControlRequest.parse(JSON.parse(await readFile(join(this.dataDir, CONTROL_FILE), 'utf8')));
    } catch {
      return null;
    }
    if (req.id === this.seenAt) return null;
    this.seenAt = req.id;
    return req;
  }
}
