/*
 * What a parse of play-by-play rows kept and why it dropped the rest. Every row read is either
 * kept or counted under exactly one drop reason (the first that applies, in DROP_REASONS order),
 * so rowsRead = rowsKept + Σ dropped. Missing values count blank fields per column, over all rows
 * read and over the rows kept.
 */

export const DROP_REASONS = ['unknown_game', 'game_not_validated', 'no_clock', 'pickem', 'push'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/*
 * Why a play is dropped:
 *   unknown_game — game_id is not in the games file
 *   game_not_validated — the game failed the line-score check (score_validated = 0)
 *   no_clock — game_seconds_remaining is blank (end-of-quarter, timeout or PAT rows without a clock)
 *   pickem — the closing line is 0: no favourite, so no cover label
 *   push — the favourite's final margin equals the line: a push has no 1/0 label
 */

export interface QualityReport {
  /** Dataset names that went into the report. */
  datasets: string[];
  rowsRead: number;
  rowsKept: number;
  dropped: Record<DropReason, number>;
  /** Blank fields per column over all rows read. */
  missing: Record<string, number>;
  /** Blank fields per column over the rows kept. */
  missingKept: Record<string, number>;
  /** Kept rows whose posteam is neither the home nor the away abbreviation (possession unknown). */
  posteamUnmatched: number;
}

export function emptyReport(dataset: string, columns: readonly string[]): QualityReport {
  const zeros = () => Object.fromEntries(columns.map((c) => [c, 0]));
  return {
    datasets: [dataset], rowsRead: 0, rowsKept: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    missing: zeros(), missingKept: zeros(), posteamUnmatched: 0,
  };
}

const addCounts = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** The report of several parses together (e.g. all seasons). */
export function mergeReports(reports: readonly QualityReport[]): QualityReport {
  if (reports.length === 0) throw new Error('mergeReports: no reports');
  return reports.slice(1).reduce((a, b) => ({
    datasets: [...a.datasets, ...b.datasets],
    rowsRead: a.rowsRead + b.rowsRead,
    rowsKept: a.rowsKept + b.rowsKept,
    dropped: addCounts(a.dropped, b.dropped) as Record<DropReason, number>,
    missing: addCounts(a.missing, b.missing),
    missingKept: addCounts(a.missingKept, b.missingKept),
    posteamUnmatched: a.posteamUnmatched + b.posteamUnmatched,
  }), { ...reports[0], datasets: [...reports[0].datasets] });
}
