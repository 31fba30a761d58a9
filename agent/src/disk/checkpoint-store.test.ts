import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../test/support/capture-log';
import { writeFileAtomic } from './atomic-file';
import { CheckpointStore, decodeSnapshot, encodeSnapshot, sha256Of } from './checkpoint-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const meta = { replicaId: 7, wuId: 3, kernel: 'mc.season@1', step: 12 };
const snapshot = { step: 12, counts: [1, 2, 3], rng: { s: [1, 2, 3, 4] } };

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp files', async () => {
    const f = join(dir, 'x.json');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(await readFile(f, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['x.json']);
    expect((await stat(f)).mode & 0o777).toBe(0o600);
  });
});

describe('CheckpointStore', () => {
  it('writes header + payload with the payload sha256, and reads it back verified', async () => {
    const store = new CheckpointStore(dir, captureLog());
    const payload = encodeSnapshot(snapshot);
    const h = await store.save(meta, payload);
    expect(h).toMatchObject({ ...meta, v: 1, bytes: payload.length, sha256: sha256Of(payload) });
    const back = await store.load(7);
    expect(back.status).toBe('ok');
    if (back.status !== 'ok') return;
    expect(decodeSnapshot(back.payload)).toEqual(snapshot);
    expect(await store.list()).toEqual([7]);
    expect(await store.load(8)).toEqual({ status: 'missing' });
  });

  it('detects truncation, a flipped byte and a broken header; sets the file aside; never throws', async () => {
    const log = captureLog();
    const store = new CheckpointStore(dir, log);
    const file = join(store.dir, '7.ckpt');
    const cases: Array<[string, () => Promise<void>, RegExp]> = [
      ['truncated payload', async () => truncate(file, (await stat(file)).size - 5), /payload is \d+ bytes, header says \d+/],
      ['flipped byte', async () => {
        const b = await readFile(file);
        b[b.length - 2] ^= 0x01;
        await writeFile(file, b);
      }, /payload hashes to/],
      ['cut in the header', async () => truncate(file, 30), /no header line/],
      ['garbage header', async () => writeFile(file, '{"v":2}\n{}'), /bad header/],
      ['empty file', async () => writeFile(file, ''), /no header line/],
    ];
    for (const [what, damage, reason] of cases) {
      await store.save(meta, encodeSnapshot(snapshot));
      await damage();
      const r = await store.load(7);
      expect(r.status, what).toBe('corrupt');
      if (r.status === 'corrupt') expect(r.reason, what).toMatch(reason);
      expect(await store.list(), what).toEqual([]);
      expect((await readdir(store.dir)).sort(), what).toEqual(['7.ckpt.bad']);
    }
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(cases.length);
  });

  it('a checkpoint saved for one replica is never loaded for another', async () => {
    const store = new CheckpointStore(dir, captureLog());
    await store.save(meta, encodeSnapshot(snapshot));
    await writeFile(join(store.dir, '9.ckpt'), await readFile(join(store.dir, '7.ckpt')));
    expect(await store.load(9)).toMatchObject({ status: 'corrupt', reason: 'holds replica 7' });
  });

  it('list() drops temp files left by a crash mid-write; remove() forgets', async () => {
    const store = new CheckpointStore(dir, captureLog());
    await store.save(meta, encodeSnapshot(snapshot));
    await writeFile(join(store.dir, '7.ckpt.123.abc.tmp'), 'half');
    expect(await store.list()).toEqual([7]);
    expect(await readdir(store.dir)).toEqual(['7.ckpt']);
    await store.remove([7]);
    expect(await store.load(7)).toEqual({ status: 'missing' });
  });
});
