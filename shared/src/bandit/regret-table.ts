import type { SimResult } from './simulate';

/** The simulation as a plain-text table: regret at log-spaced pulls, then slope and best-arm shares. */
export function regretTable(result: SimResult): string {
  const head = ['pulls', ...result.curves.map((c) => c.label)];
  const rows: string[][] = result.checkpoints.map((t, i) => [String(t), ...result.curves.map((c) => c.regret[i]!.toFixed(1))]);
  rows.push(head.map(() => ''));
  rows.push(['log-log slope', ...result.curves.map((c) => (Number.isFinite(c.slope) ? c.slope.toFixed(2) : '–'))]);
  rows.push(['best arm share', ...result.curves.map((c) => `${(100 * c.bestArmShare).toFixed(1)}%`)]);
  rows.push(['best, last 10%', ...result.curves.map((c) => `${(100 * c.finalBestArmShare).toFixed(1)}%`)]);
  rows.push(['exploration', ...result.curves.map((c) => `${(100 * c.explorationShare).toFixed(1)}%`)]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((v, j) => (j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  ').trimEnd();
  const arms = result.arms.map((a, i) => `  ${i === result.bestArm ? '*' : ' '} ${a}: mean ${result.means[i]!.toFixed(3)}`);
  return [
    `Arms (* best):`, ...arms,
    '',
    `Cumulative regret (mean of ${result.runs} run${result.runs === 1 ? '' : 's'}, seed ${result.seed}):`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}
