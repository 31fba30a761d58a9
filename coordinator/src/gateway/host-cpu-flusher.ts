import { sql } from 'drizzle-orm';
import type { Grid } from '../grid';

/**
 * CPU time reported by hosts, added to their rows every few seconds in one statement rather than
 * on every result packet, so the report path touches only work units and replicas.
 */
export interface HostCpuFlusher {
  add(hostId: string, cpuSeconds: number): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createHostCpuFlusher(grid: Grid, everyMs = 2000): HostCpuFlusher {
  let pending = new Map<string, number>();
  const flush = async () => {
    if (pending.size === 0) return;
    const rows = [...pending].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, c]) => ({ id, c }));
    pending = new Map();
    await grid.db.transaction(async (tx) => {
      await tx.rows(sql`SELECT id FROM hosts WHERE id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) x) ORDER BY id FOR NO KEY UPDATE`);
      await tx.rows(sql`UPDATE hosts h SET cpu_seconds = h.cpu_seconds + d.c, last_contact = now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS d(id uuid, c float8) WHERE h.id = d.id`);
    });
  };
  const timer = setInterval(() => flush().catch((e) => grid.log.warn('host cpu flush failed', { error: e as Error })), everyMs);
  timer.unref();
  return {
    add(hostId, cpuSeconds) {
      if (cpuSeconds > 0) pending.set(hostId, (pending.get(hostId) ?? 0) + cpuSeconds);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
