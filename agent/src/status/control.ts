import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Intensity } from '@nfl-grid/shared/protocol/host-report';
import { writeFileAtomic } from '../disk/atomic-file';

/*
 * Requests to a running agent from `nfl-agent finish|intensity|pause|resume|quit` (and the keys
 * of the terminal view, which make the same commands): the command writes
 * `<data-dir>/control.json` atomically, the agent looks at it every second, carries the command
 * out and names the request in status.json (`answered`), which the command waits to see. A file
 * rather than a signal works the same on every platform and needs no pid; SIGUSR1/SIGUSR2 still
 * step the intensity (signals.ts).
 */

export const CONTROL_FILE = 'control.json';

export const ControlCommand = z.discriminatedUnion('kind', [
  /** Finish the work in hand, ask for no more, then pause (or exit). */
  z.object({ kind: z.literal('finish'), exitAfter: z.boolean() }).strict(),
  /** Carry on asking for work after `finish`. */
  z.object({ kind: z.literal('finish_cancel') }).strict(),
  z.object({ kind: z.literal('intensity'), level: Intensity }).strict(),
  /** The volunteer's own pause: running items are suspended, nothing is asked for. */
  z.object({ kind: z.literal('pause') }).strict(),
  z.object({ kind: z.literal('resume') }).strict(),
  /** Stop the agent: the work in hand is kept for the next start, or given back with `abandon`. */
  z.object({ kind: z.literal('quit'), abandon: z.boolean() }).strict(),
]);
export type ControlCommand = z.infer<typeof ControlCommand>;

export const ControlRequest = z.object({
  v: z.literal(2),
  command: ControlCommand,
  at: z.string(),
  /** Tells two requests written within one clock tick apart; status.json answers with it. */
  id: z.string(),
}).strict();
export type ControlRequest = z.infer<typeof ControlRequest>;

/** Writes a request for the running agent; returns its id. */
export async function writeControl(dataDir: string, command: ControlCommand): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  const req: ControlRequest = { v: 2, command: ControlCommand.parse(command), at: new Date().toISOString(), id };
  await writeFileAtomic(join(dataDir, CONTROL_FILE), JSON.stringify(req));
  return id;
}

/** Watches control.json; `poll()` returns a request once, when a new one was written. */
export class ControlWatcher {
  private seenId: string | null = null;

  constructor(private readonly dataDir: string) {}

  /** Forgets a request left from an earlier run (a new run starts without one). */
  async clear(): Promise<void> {
    await rm(join(this.dataDir, CONTROL_FILE), { force: true });
    this.seenId = null;
  }

  async poll(): Promise<ControlRequest | null> {
    let req: ControlRequest;
    try {
      req = ControlRequest.parse(JSON.parse(await readFile(join(this.dataDir, CONTROL_FILE), 'utf8')));
    } catch {
      return null;
    }
    if (req.id === this.seenId) return null;
    this.seenId = req.id;
    return req;
  }
}
