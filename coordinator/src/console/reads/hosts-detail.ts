import { sql } from 'drizzle-orm';
import type { AuthUser } from '../../auth/api-keys';
import type { Grid } from '../../coordinator';
import { visibleHosts, type HostView } from '../../routes/reads/host-view';

export interface CurrentWork {
  replicaId: number; wuId: number; seq: number; kernel: string; batchId: string; batchName: string; percent: number; sentAt: string;
}

export interface HostDetail extends HostView {
  /** Replicas the host is working on now. */
  current: CurrentWork[];
  /**
   * When an admin or owner last changed intensity or status. The agent confirms a change by its
   * next progress report (which also writes the intensity it runs at): lastContact after this.
   */
  changedAt: string | null;
}

/** Every host the user may see (admins: all), with what each is working on now. */
export async function hostsWithWork(grid: Grid, user: AuthUser, limit = 1000): Promise<HostDetail[]> {
  const hosts = await visibleHosts(grid, user, { limit });
  if (hosts.length === 0) return [];
  const ids = hosts.map((h) => h.id);
  const [work, changes] = await Promise.all([
    grid.db.rows<{ host_id: string; id: number; wu_id: number; seq: number; kernel: string; kernel_version: number; batch_id: string; batch_name: string; progress: number; sent_at: Date | string }>(sql`
      SELECT r.host_id, r.id, r.wu_id, w.seq, w.kernel, w.kernel_version, b.id AS batch_id, b.name AS batch_name, r.progress, r.sent_at
        FROM replicas r
        JOIN work_units w ON w.id = r.wu_id
        JOIN batches b ON b.id = w.batch_id
       WHERE r.state = 'in_progress' AND r.host_id IN ${ids}
       ORDER BY r.id`),
    grid.db.rows<{ subject: string; at: Date | string }>(sql`
      SELECT DISTINCT ON (subject) subject, created_at AS at FROM events
       WHERE kind = 'host.updated' AND subject IN ${ids}
       ORDER BY subject, created_at DESC`),
  ]);
  const byHost = new Map<string, CurrentWork[]>();
  for (const r of work) {
    const list = byHost.get(r.host_id) ?? [];
    list.push({
      replicaId: r.id, wuId: r.wu_id, seq: r.seq, kernel: `${r.kernel}@${r.kernel_version}`, batchId: r.batch_id, batchName: r.batch_name,
      percent: Number(r.progress), sentAt: new Date(r.sent_at).toISOString(),
    });
    byHost.set(r.host_id, list);
  }
  const changed = new Map(changes.map((c) => [c.subject, new Date(c.at).toISOString()]));
  return hosts.map((h) => ({ ...h, current: byHost.get(h.id) ?? [], changedAt: changed.get(h.id) ?? null }));
}
