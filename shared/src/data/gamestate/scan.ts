import { gunzipSync } from 'node:zlib';
import { DatasetParseError } from '../csv';

/*
 * The nflgame files are plain CSV without a single quote character (checked when they were
 * copied), 17 or 28 short fields a row. Splitting lines and commas reads a season of plays in a
 * few tens of milliseconds, where csv-parse takes seconds; a quote or a ragged row is refused
 * rather than misread.
 */

export interface PlainTable {
  header: string[];
  /** Data rows, each with header.length fields. */
  rows: string[][];
}

export function scanPlainCsv(dataset: string, bytes: Uint8Array, expectHeader: readonly string[]): PlainTable {
  const text = gunzipSync(bytes).toString('utf8');
  if (text.includes('"')) throw new DatasetParseError(dataset, 0, 'quoted fields are not expected in this file');
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
  const missing = expectHeader.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new DatasetParseError(dataset, 0, `missing column(s) ${missing.join(', ')}`);
  const rows: string[][] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].replace(/\r$/, '').split(',');
    if (f.length !== header.length) throw new DatasetParseError(dataset, i, `${f.length} fields, expected ${header.length}`);
    rows[i - 1] = f;
  }
  return { header, rows };
}

/** Column positions by name, for the columns a parser reads. */
export function columnIndex<C extends string>(header: string[], cols: readonly C[]): Record<C, number> {
  const out = {} as Record<C, number>;
  for (const c of cols) out[c] = header.indexOf(c);
  return out;
}

/** Integer or null for a blank field; anything else is a parse error. */
export function intOrNull(dataset: string, row: number, col: string, s: string): number | null {
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new DatasetParseError(dataset, row, `${col} is not an integer: '${s}'`);
  return n;
}

export function intRequired(dataset: string, row: number, col: string, s: string): number {
  const n = intOrNull(dataset, row, col, s);
  if (n === null) throw new DatasetParseError(dataset, row, `${col} is blank`);
  return n;
}

export function numRequired(dataset: string, row: number, col: string, s: string): number {
  const n = s === '' ? NaN : Number(s);
  if (!Number.isFinite(n)) throw new DatasetParseError(dataset, row, `${col} is not a number: '${s}'`);
  return n;
}
