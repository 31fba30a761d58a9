import { describe, expect, it } from 'vitest';
import { csvField, flatten, MAX_CSV_ARRAY, toCsv } from './csv';

describe('csv', () => {
  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(false)).toBe('false');
    expect(csvField([1, 2])).toBe('"[1,2]"');
  });

  it('flattens objects to dotted names and keeps arrays whole', () => {
    expect(flatten({ a: { b: 1, c: { d: 'x' } }, e: [1, 2], f: null, g: {} }, 'out')).toEqual({
      'out.a.b': 1, 'out.a.c.d': 'x', 'out.e': [1, 2], 'out.f': null, 'out.g': '',
    });
    expect(flatten(5, 'v')).toEqual({ v: 5 });
    // Per-scenario lists are too long for a cell: a note names their length.
    expect(flatten({ s: { final: new Array(MAX_CSV_ARRAY + 1).fill(1), few: new Array(MAX_CSV_ARRAY).fill(0) } }, 'o')).toEqual({
      'o.s.final': `[${MAX_CSV_ARRAY + 1} values: in the JSON download]`, 'o.s.few': new Array(MAX_CSV_ARRAY).fill(0),
    });
  });

  it('writes a header of leading columns, then each group sorted, with CRLF line ends', () => {
    const text = toCsv([
      { id: 1, 'p.z': 1, 'p.a': 2, 'o.y': 'q' },
      { id: 2, 'p.m': 3, 'o.b': 'x,y' },
    ], ['id']);
    expect(text).toBe('id,p.a,p.m,p.z,o.b,o.y\r\n1,2,,1,,q\r\n2,,3,,"x,y",\r\n');
  });
});
