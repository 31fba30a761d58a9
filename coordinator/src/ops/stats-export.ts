import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Grid } from '../grid';
import { racNow } from '../routes/hosts';

/*
 * Public statistics in BOINC's manner: users, teams and hosts with total credit and recent
 * average credit (decayed to the export time), as gzipped JSON files that statistics sites
 * fetch. Nothing private leaves: ids are sha256 of the database id (stable across exports, not
 * reversible), users appear by their public name and team, hosts by their hardware class only
 * (no host name, address, key or email; banned hosts are left out).
 */

export const STATS_FILES = ['users', 'teams', 'hosts'] as const;
export type StatsFile = (typeof STATS_FILES)[number];

export interface StatsSnapshot {
  generatedAt: string;
  files: Record<StatsFile, Buffer>;
}

/** A public id for a row: sha256 of kind and database id, 20 hex characters. */
export function publicId(kind: 'user' | 'host', id: string): string {
  return createHash('sha256').update(`nfl-grid:${kind}:${id}`).digest('hex').slice(0, 20);
}

const gz = promisify(gzip);
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function buildStats(grid: Grid, now = new Date()): Promise<StatsSnapshot> {
  const t = now.getTime();
  const userRows = await grid.db.rows<{ id: string; name: string; team: string | null; hosts: number; total: number; rac: number; rac_time: Date | string | null }>(sql`
    SELECT u.id, u.name, u.team,
           (SELECT count(*)::int FROM hosts h WHERE h.owner_id = u.id AND h.status <> 'banned') AS hosts,
           coalesce(c.total_credit, 0)::float8 AS total, coalesce(c.rac, 0)::float8 AS rac, c.rac_time
      FROM users u LEFT JOIN user_credit c ON c.user_id = u.id
     WHERE c.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM hosts h WHERE h.owner_id = u.id)
     ORDER BY total DESC, u.name`);
  const users = userRows.map((r) => ({
    id: publicId('user', r.id), name: r.name, team: r.team, hosts: r.hosts,
    totalCredit: round(Number(r.total)), rac: round(racNow(Number(r.rac), r.rac_time ? new Date(r.rac_time) : null, t)),
  }));
  const teams = new Map<string, { name: string; members: number; totalCredit: number; rac: number }>();
  for (const u of users) {
    if (!u.team) continue;
    const team = teams.get(u.team) ?? { name: u.team, members: 0, totalCredit: 0, rac: 0 };
    team.members++;
    team.totalCredit = round(team.totalCredit + u.totalCredit);
    team.rac = round(team.rac + u.rac);
    teams.set(u.team, team);
  }
  const hostRows = await grid.db.rows<{ id: string; owner_id: string; cores: number | null; gpu: boolean; total: number; rac: number; rac_time: Date | string | null }>(sql`
    SELECT h.id, h.owner_id, (h.hardware->>'cores')::int AS cores, h.gpu, h.total_credit::float8 AS total, h.rac::float8 AS rac, h.rac_time
      FROM hosts h
     WHERE h.status <> 'banned'
     ORDER BY h.total_credit DESC, h.id`);
  const hosts = hostRows.map((r) => ({
    id: publicId('host', r.id), owner: publicId('user', r.owner_id), cores: r.cores, gpu: r.gpu,
    totalCredit: round(Number(r.total)), rac: round(racNow(Number(r.rac), r.rac_time ? new Date(r.rac_time) : null, t)),
  }));
  const generatedAt = now.toISOString();
  const file = (key: StatsFile, rows: unknown[]) => gz(JSON.stringify({ generatedAt, [key]: rows }));
  const [u, tm, h] = await Promise.all([
    file('users', users),
    file('teams', [...teams.values()].sort((a, b) => b.totalCredit - a.totalCredit || a.name.localeCompare(b.name))),
    file('hosts', hosts),
  ]);
  return { generatedAt, files: { users: u, teams: tm, hosts: h } };
}
