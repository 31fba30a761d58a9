import { describe, expect, it } from 'vitest';
import { utmpLines } from './idle';

describe('utmp parsing (tty idle source)', () => {
  it('finds the terminal lines of logged-in users', () => {
    const rec = (type: number, line: string) => {
      const b = new Uint8Array(384);
      new DataView(b.buffer).setInt16(0, type, true);
      b.set(new TextEncoder().encode(line), 8);
      return b;
    };
    const buf = new Uint8Array(384 * 4);
    [rec(7, 'pts/3'), rec(8, 'pts/4'), rec(7, 'tty2'), rec(7, '~')].forEach((r, i) => buf.set(r, i * 384));
    expect(utmpLines(buf)).toEqual(['pts/3', 'tty2']);
  });
});
