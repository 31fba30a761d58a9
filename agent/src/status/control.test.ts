import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_FILE, ControlWatcher, writeControl } from './control';
import { keyCommand } from './keys';

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
    const id = await writeControl(dir, { kind: 'finish', exitAfter: false });
    expect(await w.poll()).toMatchObject({ id, command: { kind: 'finish', exitAfter: false } });
    expect(await w.poll()).toBeNull();
    await writeControl(dir, { kind: 'intensity', level: 'inferno' });
    expect(await w.poll()).toMatchObject({ command: { kind: 'intensity', level: 'inferno' } });
    await writeControl(dir, { kind: 'quit', abandon: true });
    expect(await w.poll()).toMatchObject({ command: { kind: 'quit', abandon: true } });
    await w.clear();
    expect(await w.poll()).toBeNull();
  });

  it('ignores a request it does not understand (unknown command, level or field)', async () => {
    const w = new ControlWatcher(dir);
    const write = (o: unknown) => writeFile(join(dir, CONTROL_FILE), JSON.stringify({ v: 2, at: 'now', id: String(Math.random()), ...(o as object) }));
    await write({ command: { kind: 'explode' } });
    expect(await w.poll()).toBeNull();
    await write({ command: { kind: 'intensity', level: 'volcanic' } });
    expect(await w.poll()).toBeNull();
    await write({ command: { kind: 'pause', extra: 1 } });
    expect(await w.poll()).toBeNull();
    await expect(writeControl(dir, { kind: 'intensity', level: 'volcanic' } as never)).rejects.toThrow();
  });
});

describe('terminal keys', () => {
  it('p pauses, r resumes, + and - step the intensity within its levels', () => {
    expect(keyCommand('p', 'low')).toEqual({ kind: 'pause' });
    expect(keyCommand('r', 'low')).toEqual({ kind: 'resume' });
    expect(keyCommand('+', 'low')).toEqual({ kind: 'intensity', level: 'medium' });
    expect(keyCommand('=', 'high')).toEqual({ kind: 'intensity', level: 'inferno' });
    expect(keyCommand('+', 'inferno')).toBeNull();
    expect(keyCommand('-', 'medium')).toEqual({ kind: 'intensity', level: 'low' });
    expect(keyCommand('-', 'low')).toBeNull();
    expect(keyCommand('q', 'low')).toEqual({ kind: 'quit', abandon: false });
    expect(keyCommand('x', 'low')).toBeNull();
  });
});
