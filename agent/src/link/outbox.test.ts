import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResultItem } from '@nfl-grid/shared/protocol/work-packet';
import { captureLog } from '../../../test/support/capture-log';
import { Outbox } from './outbox';

const HOST = '6f1c1d52-52b1-4f4e-9a3c-2d2f1e6b7a10';
const result = (replicaId: number, value: number): ResultItem => ({
  replicaId, output: { value, nested: { list: [1, 2.5, 'x'] } }, outputSha256: 'a'.repeat(64), cpuSeconds: 1.25, elapsedSeconds: 2.5, steps: 10,
});

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'nfl-agent-outbox-')), 'outbox');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('Outbox', () => {
  it('survives a restart: entries written by one instance are read by the next', async () => {
    const first = await Outbox.open(dir, captureLog());
    await first.put(HOST, result(7, 70));
    await first.put(HOST, result(3, 30));
    expect(first.size).toBe(2);

    const reopened = await Outbox.open(dir, captureLog());
    expect(reopened.replicaIds().sort()).toEqual([3, 7]);
    expect(reopened.list().map((e) => e.result)).toEqual([result(7, 70), result(3, 30)]);
    expect(reopened.list().every((e) => e.hostId === HOST)).toBe(true);
  });

  it('forgets removed entries across restarts, and only those', async () => {
    const box = await Outbox.open(dir, captureLog());
    await box.put(HOST, result(1, 10));
    await box.put(HOST, result(2, 20));
    expect(await box.remove([1, 99])).toEqual([1]);
    const reopened = await Outbox.open(dir, captureLog());
    expect(reopened.replicaIds()).toEqual([2]);
    expect(reopened.has(1)).toBe(false);
  });

  it('writes files readable by the owner only and leaves no temp files', async () => {
    const box = await Outbox.open(dir, captureLog());
    await box.put(HOST, result(5, 50));
    expect(await readdir(dir)).toEqual(['5.json']);
    expect((await stat(join(dir, '5.json'))).mode & 0o777).toBe(0o600);
  });

  it('sets damaged entries aside and drops half-written temp files', async () => {
    const box = await Outbox.open(dir, captureLog());
    await box.put(HOST, result(4, 40));
    await writeFile(join(dir, '8.json'), '{"v":1,"hostId":');
    await writeFile(join(dir, '9.json'), JSON.stringify({ v: 1, hostId: HOST, finishedAt: 'x', result: result(10, 1) }));
    await writeFile(join(dir, '11.json.123.tmp'), 'partial');
    const log = captureLog();
    const reopened = await Outbox.open(dir, log);
    expect(reopened.replicaIds()).toEqual([4]);
    expect((await readdir(dir)).sort()).toEqual(['4.json', '8.json.bad', '9.json.bad']);
    expect(log.text()).toContain('outbox entry 8.json is damaged');
  });
});
