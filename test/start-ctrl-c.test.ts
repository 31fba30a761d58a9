import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, watch } from './support/processes';

/*
 * `nfl-grid start` at a terminal: Ctrl+C sends SIGINT to the whole foreground process group.
 * One Ctrl+C must stop the local agent gracefully (once), then the coordinator.
 */

const GRID_BIN = fileURLToPath(new URL('../bin/nfl-grid.mjs', import.meta.url));
const dataDir = tempDir('start-ctrl-c');

afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('nfl-grid start and one Ctrl+C', () => {
  it('stops the agent gracefully, once, and the coordinator after it', async () => {
    // detached: the grid gets a process group of its own, as a shell's foreground job does.
    const proc = spawn(process.execPath, [GRID_BIN, 'start', '--port', '0', '--data-dir', dataDir, '--intensity', 'low'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const grid = watch(proc, 'nfl-grid start');
    try {
      await grid.waitFor(/results acknowledged/, 60_000);
      process.kill(-proc.pid!, 'SIGINT'); // what the terminal does on Ctrl+C
      const code = await grid.exited;
      const lines = grid.lines;
      expect(code).toBe(0);
      expect(lines.filter((l) => /received again/.test(l))).toEqual([]);
      expect(lines.filter((l) => /local agent exited with code/.test(l))).toEqual([]);
      const agentStopped = lines.findIndex((l) => /^agent stopped /.test(l));
      const coordinatorStopped = lines.findIndex((l) => /^coordinator stopped/.test(l));
      expect(agentStopped).toBeGreaterThanOrEqual(0);
      expect(coordinatorStopped).toBeGreaterThan(agentStopped);
      expect(lines.find((l) => /^agent stopped /.test(l))).toMatch(/outbox=0/);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
  }, 120_000);
});
