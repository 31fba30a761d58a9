/** Plain-text tables and numbers for the terminal. */

export type Cell = string | number | boolean | null | undefined;

export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "12s ago", "5m ago", "3h ago", "2d ago", or "never". */
export function ago(when: string | Date | null | undefined, now = Date.now()): string {
  if (!when) return 'never';
  const s = Math.max(0, Math.round((now - new Date(when).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

const cellText = (c: Cell) => (c === null || c === undefined ? '-' : typeof c === 'boolean' ? (c ? 'yes' : 'no') : String(c));

/** Columns padded to their widest cell; numbers (and number-like text) right-aligned. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map(cellText));
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined || /^[\d,.]+%?$/.test(cellText(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...text.map(line)].join('\n');
}
