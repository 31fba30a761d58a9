import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError } from '../errors';
import { lockDataDir } from './data-lock';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nfl-agent-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('data folder lock', () => {
  it('lets one agent use a folder, and takes over a lock left by a dead process', async () => {
    const unlock = await lockDataDir(dir);
    await writeFile(join(dir, 'agent.lock'), '1');
    // pid 1 is alive: refused.
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(AgentError);
    await writeFile(join(dir, 'agent.lock'), String(2 ** 22 + 4321));
    const again = await lockDataDir(dir);
    await again();
    await unlock();
  });
});
