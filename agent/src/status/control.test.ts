import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlWatcher, writeControl } from './control';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-control-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('control.json', () => {
  it('hands each request to the running agent once', async () => {
    const w = new ControlWatcher(dir);
    expect(await w.poll()).toBeNull();
    await writeControl(dir, { finish: true, exitAfter: false });
    expect(await w.poll()).toMatchObject({ finish: true, exitAfter: false });
    expect(await w.poll()).toBeNull();
    await writeControl(dir, { finish: false, exitAfter: false });
    expect(await w.poll()).toMatchObject({ finish: false });
    await w.clear();
    expect(await w.poll()).toBeNull();
  });
});
