import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

/** A data file that does not say what its README promises; the message names file and row. */
export class DatasetParseError extends Error {
  readonly code = 'dataset_parse';
  constructor(readonly dataset: string, readonly row: number, detail: string) {
    super(`${dataset}, data row ${row}: ${detail}`);
    this.name = 'DatasetParseError';
  }
}

export type CsvRecord = Record<string, string>;

/**
 * Gunzips and parses a CSV with a header row into records of strings. csv-parse detects `\r\n`
 * (spreadspoke keeps its source's CRLF) and handles RFC 4180 quoting; a ragged row throws.
 */
export function readGzipCsv(bytes: Uint8Array): CsvRecord[] {
  const text = gunzipSync(bytes);
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as CsvRecord[];
}

/** Field access that fails loudly when the upstream file loses or renames a column. */
export function field(dataset: string, rec: CsvRecord, i: number, name: string): string {
  const v = rec[name];
  if (v === undefined) throw new DatasetParseError(dataset, i + 1, `missing column ${name}`);
  return v;
}

/** Integer field; blank is an error. */
export function int(dataset: string, rec: CsvRecord, i: number, name: string): number {
  const s = field(dataset, rec, i, name).trim();
  const n = Number(s);
  if (s === '' || !Number.isInteger(n)) throw new DatasetParseError(dataset, i + 1, `${name} is not an integer: '${s}'`);
  return n;
}

/** Finite number, or null when the field is blank (some totals are a single space). */
export function numOrNull(dataset: string, rec: CsvRecord, i: number, name: string): number | null {
  const s = field(dataset, rec, i, name).trim();
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new DatasetParseError(dataset, i + 1, `${name} is not a number: '${s}'`);
  return n;
}

export function num(dataset: string, rec: CsvRecord, i: number, name: string): number {
  const n = numOrNull(dataset, rec, i, name);
  if (n === null) throw new DatasetParseError(dataset, i + 1, `${name} is blank`);
  return n;
}

/** `TRUE`/`FALSE` or `1`/`0`. */
export function bool(dataset: string, rec: CsvRecord, i: number, name: string): boolean {
  const s = field(dataset, rec, i, name).trim().toUpperCase();
  if (s === 'TRUE' || s === '1') return true;
  if (s === 'FALSE' || s === '0') return false;
  throw new DatasetParseError(dataset, i + 1, `${name} is not a boolean: '${s}'`);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `M/D/YYYY` (spreadspoke) → `YYYY-MM-DD`. */
export function isoFromMdy(dataset: string, i: number, s: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  if (!m) throw new DatasetParseError(dataset, i + 1, `bad date '${s}'`);
  return `${m[3]}-${pad2(Number(m[1]))}-${pad2(Number(m[2]))}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `DD Mon YYYY` (OddsPortal) → `YYYY-MM-DD`. */
export function isoFromDmy(dataset: string, i: number, s: string): string {
  const m = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/.exec(s.trim());
  const month = m ? MONTHS.indexOf(m[2]) + 1 : 0;
  if (!m || month === 0) throw new DatasetParseError(dataset, i + 1, `bad date '${s}'`);
  return `${m[3]}-${pad2(month)}-${pad2(Number(m[1]))}`;
}

/** `YYYY-MM-DD`, checked. */
export function isoDate(dataset: string, i: number, s: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.trim())) throw new DatasetParseError(dataset, i + 1, `bad date '${s}'`);
  return s.trim();
}
