import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { LeaderboardQuery } from '@nfl-grid/shared/api/credit';
import type { CreditLeaderboard, LeaderRow } from '@nfl-grid/shared/api/console-types';
import { requireAuth } from '../auth/access';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { racNow } from './hosts';
import { zv } from './http/validate';

/** Top volunteers or hosts by total credit, with their recent average credit decayed to now. */
export async function leaderboard(grid: Grid, by: 'user' | 'host', limit: number): Promise<LeaderRow[]> {
  const now = Date.now();
  if (by === 'host') {
    const rows = await grid.db.rows<{ id: string; name: string; owner: string; team: string | null; total: number; rac: number; rac_time: Date | string | null }>(sql`
      SELECT h.id, h.name, u.name AS owner, u.team, h.total_credit AS total, h.rac, h.rac_time
        FROM hosts h JOIN users u ON u.id = h.owner_id
       WHERE h.status <> 'banned'
       ORDER BY h.total_credit DESC, h.name
       LIMIT ${limit}`);
    return rows.map((r, i) => ({
      rank: i + 1, id: r.id, name: r.name, owner: r.owner, team: r.team,
      totalCredit: Number(r.total), rac: racNow(Number(r.rac), r.rac_time ? new Date(r.rac_time) : null, now),
    }));
  }
  const rows = await grid.db.rows<{ id: string; name: string; team: string | null; hosts: number; total: number; rac: number; rac_time: Date | string | null }>(sql`
    SELECT u.id, u.name, u.team,
           (SELECT count(*)::int FROM hosts h WHERE h.owner_id = u.id) AS hosts,
           coalesce(c.total_credit, 0)::float8 AS total, coalesce(c.rac, 0)::float8 AS rac, c.rac_time
      FROM users u LEFT JOIN user_credit c ON c.user_id = u.id
     WHERE c.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM hosts h WHERE h.owner_id = u.id)
     ORDER BY total DESC, u.name
     LIMIT ${limit}`);
  return rows.map((r, i) => ({
    rank: i + 1, id: r.id, name: r.name, team: r.team, hosts: Number(r.hosts),
    totalCredit: Number(r.total), rac: racNow(Number(r.rac), r.rac_time ? new Date(r.rac_time) : null, now),
  }));
}

export function creditRoutes(grid: Grid) {
  return new Hono()
    .get('/credit/leaderboard',
      describeRoute({ summary: 'Top volunteers or hosts by total credit, with recent average credit (7-day half-life)' }),
      requireAuth(grid), zv('query', LeaderboardQuery),
      async (c) => {
        const q = c.req.valid('query');
        return c.json({ by: q.by, rows: await leaderboard(grid, q.by, q.limit) } satisfies CreditLeaderboard);
      });
}
