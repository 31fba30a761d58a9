import type { Context } from 'hono';
import { BadRequest } from '../../errors';
/*
 * CSV for result downloads (RFC 4180): CRLF line ends, a field is quoted when it holds a comma,
 * quote, CR or LF, and quotes inside are doubled. Nested objects flatten to dotted column names;
 * arrays are kept whole as JSON in one cell so that a histogram stays one column. An array longer
 * than MAX_CSV_ARRAY (mc.bankroll's per-scenario lists) becomes a note naming its length: such a
 * cell would pass a spreadsheet's limit (32,767 characters), and the JSON download carries it.
 */

export const MAX_CSV_ARRAY = 1000;

export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `{a: {b: 1}, c: [1, 2]}` under `out` → `{'out.a.b': 1, 'out.c': [1, 2]}`. */
export function flatten(value: unknown, prefix: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) into[prefix] = '';
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (Array.isArray(value) && value.length > MAX_CSV_ARRAY) {
    into[prefix] = `[${value.length} values: in the JSON download]`;
  } else {
    into[prefix] = value;
  }
  return into;
}

/**
 * Rows to CSV text. Columns are `leading`, then the union of the other keys grouped by their
 * first dotted segment (groups in order of first appearance) and sorted by name within a group;
 * jsonb does not keep key order, so names are the only stable order.
 */
export function toCsv(rows: Record<string, unknown>[], leading: string[] = []): string {
  const lead = new Set(leading);
  const groups = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (lead.has(k)) continue;
      const g = k.split('.')[0]!;
      if (!groups.has(g)) groups.set(g, new Set());
      groups.get(g)!.add(k);
    }
  }
  const header = [...lead, ...[...groups.values()].flatMap((cols) => [...cols].sort())];
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(header.map((k) => csvField(r[k])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Most rows a CSV download builds in memory; a larger one is a 400 that points to the JSON. */
export const MAX_CSV_ROWS = 1_000_000;

/** Long-form rows (routes/http/long-form.ts) of each work unit or group, as CSV: `item` and `index` lead after `lead`. */
export function longCsv(perUnit: Record<string, unknown>[][], lead: string[]): string {
  const total = perUnit.reduce((s, r) => s + r.length, 0);
  if (total > MAX_CSV_ROWS) throw new BadRequest(`the long form has ${total} rows, more than ${MAX_CSV_ROWS}: download JSON, or CSV with shape=wide`, 'format', 'too_many_rows');
  const rows = perUnit.flat();
  return toCsv(rows, rows.some((r) => 'item' in r) ? [...lead, 'item', 'index'] : lead);
}

/** A CSV answer, as an attachment. */
export function csvDownload(c: Context, text: string, filename: string): Response {
  return c.body(text, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
}
