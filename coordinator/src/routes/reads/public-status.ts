import type { Grid } from '../../coordinator';
import { computeHours, hostCounts, runningNow, wuTotals } from './queue-overview';

/**
 * The grid's public status, as the status page and the console's signed-out page show it:
 * work-unit totals, hosts, compute hours and running work by kernel (never batch names or owners).
 */
export async function publicStatus(grid: Grid) {
  const [wu, hours, hosts, running] = await Promise.all([wuTotals(grid), computeHours(grid), hostCounts(grid), runningNow(grid, null, 1000)]);
  const byKernel = new Map<string, { batches: number; running: number }>();
  for (const b of running) {
    const k = byKernel.get(b.kernel) ?? { batches: 0, running: 0 };
    byKernel.set(b.kernel, { batches: k.batches + 1, running: k.running + b.running });
  }
  const rows: [string, number][] = [
    ['pending', wu.pending], ['running', wu.running], ['validating', wu.validating],
    ['completed', wu.completed], ['failed', wu.failed], ['cancelled', wu.cancelled], ['total', wu.total],
  ];
  return { rows, byKernel, hours, hosts };
}
