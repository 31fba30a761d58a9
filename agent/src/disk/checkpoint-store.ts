import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { describe } from '../errors';
import { writeFileAtomic } from './atomic-file';

/*
 * Kernel checkpoints on disk, `<data-dir>/checkpoints/<replicaId>.ckpt`: one header line of JSON
 * (replica, WU, kernel, step, byte count and sha256 of the payload), then the payload — the
 * kernel's snapshot as UTF-8 JSON, the same bytes the `checkpoint` message uploads in base64.
 * Written atomically (atomic-file.ts). A file whose header does not parse, whose payload is short
 * or long, or whose payload does not hash to the header's sha256 is corrupt: it is set aside as
 * `.bad` and the replica starts again from step 0.
 */

export const CheckpointHeader = z.object({
  v: z.literal(1),
  replicaId: z.number().int().positive(),
  wuId: z.number().int().positive(),
  kernel: z.string(),
  step: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: z.string(),
});
export type CheckpointHeader = z.infer<typeof CheckpointHeader>;

export type CheckpointLoad =
  | { status: 'ok'; header: CheckpointHeader; payload: Uint8Array }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string };

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A snapshot's checkpoint bytes (JSON, UTF-8). */
export const encodeSnapshot = (snapshot: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(snapshot));
export const decodeSnapshot = (payload: Uint8Array): unknown => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));

export class CheckpointStore {
  readonly dir: string;

  constructor(dataDir: string, private readonly log: Logger) {
    this.dir = join(dataDir, 'checkpoints');
  }

  private file(replicaId: number): string {
    return join(this.dir, `${replicaId}.ckpt`);
  }

  /** Writes a checkpoint atomically and returns its header. */
  async save(o: { replicaId: number; wuId: number; kernel: string; step: number }, payload: Uint8Array): Promise<CheckpointHeader> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const header: CheckpointHeader = { v: 1, ...o, bytes: payload.length, sha256: sha256Of(payload), savedAt: new Date().toISOString() };
    const head = new TextEncoder().encode(JSON.stringify(header) + '\n');
    const all = new Uint8Array(head.length + payload.length);
    all.set(head, 0);
    all.set(payload, head.length);
    await writeFileAtomic(this.file(o.replicaId), all);
    return header;
  }

  /** Reads and verifies a checkpoint; a corrupt one is moved aside. Never throws. */
  async load(replicaId: number): Promise<CheckpointLoad> {
    const file = this.file(replicaId);
    let buf: Uint8Array;
    try {
      buf = new Uint8Array(await readFile(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return this.corrupt(file, `cannot read it: ${describe(e)}`);
    }
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return this.corrupt(file, 'no header line (truncated?)');
    let header: CheckpointHeader;
    try {
      header = CheckpointHeader.parse(JSON.parse(new TextDecoder().decode(buf.subarray(0, nl))));
    } catch (e) {
      return this.corrupt(file, `bad header: ${describe(e)}`);
    }
    const payload = buf.subarray(nl + 1);
    if (header.replicaId !== replicaId) return this.corrupt(file, `holds replica ${header.replicaId}`);
    if (payload.length !== header.bytes) return this.corrupt(file, `payload is ${payload.length} bytes, header says ${header.bytes} (truncated?)`);
    const actual = sha256Of(payload);
    if (actual !== header.sha256) return this.corrupt(file, `payload hashes to ${actual.slice(0, 12)}…, header says ${header.sha256.slice(0, 12)}…`);
    return { status: 'ok', header, payload };
  }

  async remove(replicaIds: Iterable<number>): Promise<void> {
    for (const id of replicaIds) await rm(this.file(id), { force: true });
  }

  /** Replica ids with a checkpoint file; leftover temp files are deleted. */
  async list(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const ids: number[] = [];
    for (const n of names) {
      if (n.endsWith('.tmp')) await rm(join(this.dir, n), { force: true });
      const m = /^([1-9]\d*)\.ckpt$/.exec(n);
      if (m) ids.push(Number(m[1]));
    }
    return ids;
  }

  private async corrupt(file: string, reason: string): Promise<CheckpointLoad> {
    this.log.warn(`checkpoint ${file} is corrupt (${reason}); set aside as .bad`, { file });
    await rename(file, `${file}.bad`).catch(() => undefined);
    return { status: 'corrupt', reason };
  }
}
