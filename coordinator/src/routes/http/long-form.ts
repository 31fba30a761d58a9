/*
 * Results in long form for analysis (pandas, R, a spreadsheet's pivot): one row per work unit ×
 * item, and no JSON in any cell. An output's items are its tables:
 *   - an array of objects (mc.season's `teams`): one row per element;
 *   - an object whose values are arrays of scalars of one length (mc.bankroll's `scenarios`):
 *     one row per index, a column per array;
 *   - an array of scalars: one row per element, in a `value` column.
 * Each row carries the work unit's leading columns, its params and the output's scalars (so a
 * row stands alone), then `item` (the table's dotted path), `index`, and the element's fields
 * under the table's path. An output without tables is one row. Arrays inside an element become
 * numbered columns (`teams.winQuantiles.0`), so nothing is packed.
 */

type Json = unknown;
type Row = Record<string, unknown>;

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: Json) => v === null || typeof v !== 'object';

/** An object of equal-length scalar arrays: a table stored by column. */
function isColumnar(v: Json): v is Record<string, Json[]> {
  if (!isObject(v)) return false;
  const cols = Object.values(v);
  if (cols.length === 0) return false;
  const n = Array.isArray(cols[0]) ? cols[0].length : -1;
  return n > 0 && cols.every((c) => Array.isArray(c) && c.length === n && c.every(isScalar));
}

const isTable = (v: Json) => (Array.isArray(v) && v.length > 0 && (v.every(isObject) || v.every(isScalar))) || isColumnar(v);

/** Every value of `v` under dotted names, arrays numbered, nothing left nested. */
function flatAll(v: Json, prefix: string, into: Row): Row {
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) into[prefix] = '';
    for (const [k, x] of entries) flatAll(x, prefix ? `${prefix}.${k}` : k, into);
  } else if (Array.isArray(v)) {
    if (v.length === 0) into[prefix] = '';
    v.forEach((x, i) => flatAll(x, `${prefix}.${i}`, into));
  } else {
    into[prefix] = v;
  }
  return into;
}

/** Splits an output into its scalar columns and its tables (by dotted path). */
function split(v: Json, path: string, scalars: Row, tables: [string, Json][]): void {
  if (path && isTable(v)) {
    tables.push([path, v]);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) split(x, path ? `${path}.${k}` : k, scalars, tables);
  } else {
    flatAll(v, path, scalars);
  }
}

function tableRows(path: string, t: Json): Row[] {
  if (isColumnar(t)) {
    const cols = Object.entries(t);
    return cols[0]![1].map((_, i) => Object.fromEntries(cols.map(([k, c]) => [`${path}.${k}`, c[i]])));
  }
  const items = t as Json[];
  return items.map((x) => (isScalar(x) ? { [`${path}.value`]: x } : flatAll(x, path, {})));
}

/** The long-form rows of one work unit (or one combined group). */
export function longRows(lead: Row, params: Json, output: Json): Row[] {
  const scalars: Row = {};
  const tables: [string, Json][] = [];
  split(output, '', scalars, tables);
  const hasParams = !(isObject(params) && Object.keys(params).length === 0) && params !== undefined;
  const base: Row = { ...lead, ...(hasParams ? flatAll(params, 'params', {}) : {}), ...Object.fromEntries(Object.entries(scalars).map(([k, v]) => [`output.${k}`, v])) };
  if (tables.length === 0) return [base];
  return tables.flatMap(([path, t]) => tableRows(path, t).map((fields, index) => ({ ...base, item: path, index, ...fields })));
}
