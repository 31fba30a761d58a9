import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicId } from '../coordinator/src/ops/stats-export';
import { eventually } from './support/api-client';
import { makeHost } from './support/grid-fixtures';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * The public statistics export: users, teams and hosts with credit and RAC at stable URLs,
 * rebuilt by a daemon, with nothing private in it (no database ids, host names or keys).
 */

describe.each(dbKinds())('statistics export on %s', (kind) => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid(kind, { NFL_GRID_STATS_INTERVAL_MS: '300' });
  }, 120_000);
  afterAll(async () => grid?.stop());

  const fetchStats = async (file: string) => {
    const r = await fetch(`${grid.url}/stats/${file}`);
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'application/gzip']);
    return { text: gunzipSync(Buffer.from(await r.arrayBuffer())).toString('utf8'), lastModified: r.headers.get('last-modified') };
  };

  it('publishes users, teams and hosts with credit and RAC, refreshed, with public ids only', async () => {
    const alice = await grid.createUser('alice-stats', 'volunteer');
    const bob = await grid.createUser('bob-stats', 'volunteer');
    const carol = await grid.createUser('carol-stats', 'volunteer');
    const db = grid.c.grid.db;
    await db.rows(sql`UPDATE users SET team = 'Red Zone' WHERE id IN (${alice.id}, ${bob.id})`);
    const hostA = await makeHost(db, { ownerId: alice.id });
    const hostC = await makeHost(db, { ownerId: carol.id });
    const banned = await makeHost(db, { ownerId: bob.id, status: 'banned' });
    await db.rows(sql`UPDATE hosts SET total_credit = 120, rac = 20, rac_time = now(), hardware = '{"cores": 8}'::jsonb WHERE id = ${hostA.id}`);
    await db.rows(sql`UPDATE hosts SET total_credit = 30, rac = 5, rac_time = now() WHERE id = ${hostC.id}`);
    await db.rows(sql`INSERT INTO user_credit (user_id, total_credit, rac, rac_time) VALUES
      (${alice.id}, 120, 20, now()), (${bob.id}, 10, 2, now()), (${carol.id}, 30, 5, now())`);

    const users = await eventually(async () => {
      const parsed = JSON.parse((await fetchStats('users.json.gz')).text) as { users: { name: string; totalCredit: number }[] };
      // the credit rows go in with one statement: once bob's shows, all do
      return parsed.users.some((u) => u.name === 'bob-stats' && u.totalCredit === 10) ? parsed : null;
    }, 30_000, 'the export to include the new users');
    expect(users.users).toEqual(expect.arrayContaining([
      { id: publicId('user', alice.id), name: 'alice-stats', team: 'Red Zone', hosts: 1, totalCredit: 120, rac: expect.closeTo(20, 1) },
      { id: publicId('user', bob.id), name: 'bob-stats', team: 'Red Zone', hosts: 0, totalCredit: 10, rac: expect.closeTo(2, 1) },
    ]));
    const teams = JSON.parse((await fetchStats('teams.json.gz')).text);
    expect(teams.teams).toEqual([{ name: 'Red Zone', members: 2, totalCredit: 130, rac: expect.closeTo(22, 1) }]);
    const hostsFile = await fetchStats('hosts.json.gz');
    const hosts = JSON.parse(hostsFile.text);
    expect(hosts.hosts.slice(0, 2)).toEqual([
      { id: publicId('host', hostA.id), owner: publicId('user', alice.id), cores: 8, gpu: false, totalCredit: 120, rac: expect.closeTo(20, 1) },
      { id: publicId('host', hostC.id), owner: publicId('user', carol.id), cores: null, gpu: false, totalCredit: 30, rac: expect.closeTo(5, 1) },
    ]);
    // Nothing private: no database ids, host names, keys; banned hosts are left out.
    const [names] = await db.rows<{ names: string[] }>(sql`SELECT array_agg(name) AS names FROM hosts`);
    const all = [users, teams, hosts].map((f) => JSON.stringify(f)).join('\n');
    for (const secret of [alice.id, bob.id, carol.id, hostA.id, hostC.id, banned.id, alice.key, alice.key.slice(0, 12), ...names!.names]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(publicId('host', banned.id));
    // Rebuilt by the daemon: a later export carries a later time.
    const first = hostsFile.lastModified;
    await eventually(async () => (await fetchStats('hosts.json.gz')).lastModified !== first, 30_000, 'a newer export');
    const unknown = await fetch(`${grid.url}/stats/emails.json.gz`);
    expect([unknown.status, (await unknown.json()).error.code]).toEqual([404, 'not_found']);
  }, 120_000);
});
