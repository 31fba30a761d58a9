import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * Atomic replacement of a file: write a temp file beside it, flush it to disk, rename it over the
 * target, then flush the folder so the rename itself survives a power cut. A reader sees the old
 * file or the new one, never a mix; a crash leaves at most a `*.tmp` file, which loaders delete.
 */

export interface AtomicWriteOptions {
  mode?: number;
  /** fsync file and folder (default true); status files that are rewritten every second skip it. */
  durable?: boolean;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): Promise<void> {
  const durable = o.durable ?? true;
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  const fh = await open(tmp, 'w', o.mode ?? 0o600);
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  if (durable) await syncDir(dirname(file));
}

/** fsync a folder (a no-op where the platform does not allow it, e.g. Windows). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Not supported here.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
