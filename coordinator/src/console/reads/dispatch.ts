import { sql } from 'drizzle-orm';
import type { Grid } from '../../coordinator';

/**
 * Replicas handed out per minute, by kernel, over the last `minutes`: what the scheduler actually
 * dispatched, whatever strategy chose it. Oldest minute first; kernels by total, largest first.
 */
export async function dispatchByKernel(grid: Grid, minutes = 60, now = Date.now()): Promise<{ minutes: number[]; kernels: { kernel: string; counts: number[] }[] }> {
  const rows = await grid.db.rows<{ m: number; kernel: string; n: number }>(sql`
    SELECT extract(epoch FROM date_trunc('minute', r.sent_at))::float8 AS m, w.kernel || '@' || w.kernel_version AS kernel, count(*)::int AS n
      FROM replicas r JOIN work_units w ON w.id = r.wu_id
     WHERE r.sent_at > now() - make_interval(mins => ${minutes})
     GROUP BY 1, 2`);
  const last = Math.floor(now / 60_000) * 60;
  const axis = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * 60);
  const index = new Map(axis.map((m, i) => [m, i]));
  const byKernel = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(Number(r.m));
    if (i === undefined) continue;
    const counts = byKernel.get(r.kernel) ?? new Array<number>(minutes).fill(0);
    counts[i] = Number(r.n);
    byKernel.set(r.kernel, counts);
  }
  const kernels = [...byKernel].map(([kernel, counts]) => ({ kernel, counts }))
    .sort((a, b) => b.counts.reduce((s, x) => s + x, 0) - a.counts.reduce((s, x) => s + x, 0));
  return { minutes: axis, kernels };
}
