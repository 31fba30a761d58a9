import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveHub } from '../coordinator/src/console/live-hub';
import { SESSION_COOKIE, SESSION_SECRET_FILE, sessionSecret } from '../coordinator/src/console/session-token';
import { recordHostSample } from '../coordinator/src/gateway/record-host-sample';
import { makeHost, openTestApp, type TestApp } from './support/grid-fixtures';
import { benchSpec } from './support/volunteers';
import { dbKinds } from './support/test-db';

/*
 * The console's server side, called in-process: the page and its bundle, sign-in for a session
 * cookie, the cookie on the ordinary API (with its CSRF guard and the same roles), the live feed,
 * batch re-prioritisation and the console's reads.
 */

const CSRF = { 'x-nfl-grid-csrf': '1' };

describe.each(dbKinds())('console API (%s)', (kind) => {
  let t: TestApp;
  let adminCookie: string;
  let adminId: string;
  let researcher: { id: string; key: string };

  /** Signs in with a key; returns the cookie pair to send back and the Set-Cookie header. */
  async function signIn(key: string): Promise<{ cookie: string; setCookie: string; body: any; status: number }> {
    const res = await t.app.request('/api/v1/session', { method: 'POST', headers: { ...CSRF, 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: key }) });
    const setCookie = res.headers.get('set-cookie') ?? '';
    return { cookie: setCookie.split(';')[0]!, setCookie, body: await res.json(), status: res.status };
  }

  /** A call authenticated by a cookie instead of a key. */
  async function withCookie(method: string, path: string, cookie: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { cookie, ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await t.app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: any;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: res.status, body, headers: res.headers };
  }

  beforeAll(async () => {
    t = await openTestApp(kind);
    const s = await signIn(t.adminKey);
    adminCookie = s.cookie;
    adminId = s.body.user.id;
    researcher = await t.user('rita', 'researcher');
  });
  afterAll(async () => t?.close());

  it('serves the console page with its bundle, a strict CSP and the public status; assets are cacheable', async () => {
    const page = await t.app.request('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const js = /src="(\/console\/app\.js\?v=([0-9a-f]{16}))"/.exec(html);
    const css = /href="(\/console\/app\.css\?v=[0-9a-f]{16})"/.exec(html);
    expect(js, 'script tag').toBeTruthy();
    expect(css, 'stylesheet').toBeTruthy();
    expect(html).toContain('Hosts online: <b>0</b> of 0');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i); // nothing from a CDN

    const script = await t.app.request(js![1]!);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await script.text()).length).toBeGreaterThan(20_000);
    const again = await t.app.request(js![1]!, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const styles = await (await t.app.request(css![1]!)).text();
    expect(styles).toContain('.uplot'); // uPlot's CSS is bundled
    expect((await t.app.request('/console/nothing.js')).status).toBe(404);
    expect((await t.app.request('/console/..%2Fapp.js')).status).toBe(400);
    expect((await t.app.request('/status')).status).toBe(200);
  });

  it('exchanges an API key for an httpOnly, SameSite=Strict session cookie, and records the sign-in', async () => {
    expect((await t.app.request('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: t.adminKey }) })).status).toBe(403);
    const bad = await signIn('ngk_not-a-real-key');
    expect(bad.status).toBe(401);
    expect(bad.setCookie).toBe('');
    const s = await signIn(t.adminKey);
    expect(s.status).toBe(200);
    expect(s.body.user).toMatchObject({ name: 'root', role: 'admin' });
    expect(s.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
    expect(s.setCookie).toMatch(/Path=\//);
    expect(s.setCookie).not.toContain(t.adminKey);
    expect((await withCookie('GET', '/api/v1/me', s.cookie)).body.user.name).toBe('root');
    expect((await withCookie('GET', '/api/v1/session', s.cookie)).body.user.name).toBe('root');
    expect((await t.app.request('/api/v1/session')).status).toBe(200);
    expect(await (await t.app.request('/api/v1/session')).json()).toEqual({ user: null });
    const [ev] = await t.grid.db.rows<{ actor: string }>(sql`SELECT actor FROM events WHERE kind = 'session.started' ORDER BY id DESC LIMIT 1`);
    expect(ev!.actor).toBe(adminId);
    const secret = join(t.grid.config.dataDir, SESSION_SECRET_FILE);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  it('lets the cookie change state only with the CSRF header from the same origin, and audits the action', async () => {
    const noHeader = await withCookie('POST', '/api/v1/users', adminCookie, { body: { name: 'csrf-victim', role: 'volunteer' } });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('csrf');
    const crossSite = await withCookie('POST', '/api/v1/users', adminCookie, { body: { name: 'csrf-victim', role: 'volunteer' }, headers: { ...CSRF, origin: 'https://evil.example', host: 'localhost' } });
    expect(crossSite.status).toBe(403);
    const fetchSite = await withCookie('POST', '/api/v1/users', adminCookie, { body: { name: 'csrf-victim', role: 'volunteer' }, headers: { ...CSRF, 'sec-fetch-site': 'cross-site' } });
    expect(fetchSite.status).toBe(403);
    const [{ n }] = await t.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM users WHERE name = 'csrf-victim'`);
    expect(n).toBe(0);
    const ok = await withCookie('POST', '/api/v1/users', adminCookie, { body: { name: 'vic', role: 'volunteer' }, headers: { ...CSRF, origin: 'http://localhost', host: 'localhost' } });
    expect(ok.status).toBe(201);
    const [ev] = await t.grid.db.rows<{ actor: string }>(sql`SELECT actor FROM events WHERE kind = 'user.created' AND subject = ${ok.body.user.id}`);
    expect(ev!.actor).toBe(adminId);
    // Reads need no header; a Bearer key needs none either.
    expect((await withCookie('GET', '/api/v1/users', adminCookie)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/users', { body: { name: 'by-key', role: 'volunteer' } })).status).toBe(201);
  });

  it('refuses forged and expired cookies, and ends sessions when their key is revoked', async () => {
    const forged = await new SignJWT({ kid: '00000000-0000-4000-8000-000000000000' }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(adminId).setIssuer('nfl-grid-console').setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const r = await withCookie('GET', '/api/v1/me', `${SESSION_COOKIE}=${forged}`);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('bad_session');
    expect((await withCookie('GET', '/api/v1/me', `${SESSION_COOKIE}=garbage`)).status).toBe(401);
    const [key] = await t.grid.db.rows<{ id: string }>(sql`SELECT id FROM api_keys WHERE user_id = ${adminId} LIMIT 1`);
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await new SignJWT({ kid: key!.id }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(adminId).setIssuer('nfl-grid-console').setIssuedAt(past).setExpirationTime(past + 60)
      .sign(sessionSecret(t.grid.config.dataDir));
    expect((await withCookie('GET', '/api/v1/me', `${SESSION_COOKIE}=${expired}`)).body.error.code).toBe('bad_session');

    const u = await t.user('temp-admin', 'admin');
    const s = await signIn(u.key);
    expect((await withCookie('GET', '/api/v1/users', s.cookie)).status).toBe(200);
    const keys = await t.call('GET', `/api/v1/users/${u.id}/keys`);
    expect((await withCookie('DELETE', `/api/v1/keys/${keys.body.keys[0].id}`, adminCookie, { headers: CSRF })).status).toBe(200);
    const after = await withCookie('GET', '/api/v1/users', s.cookie);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('bad_session');
    // A researcher demoted from admin loses admin routes at once, too.
    const d = await t.user('demoted', 'admin');
    const ds = await signIn(d.key);
    await t.grid.db.rows(sql`UPDATE users SET role = 'researcher' WHERE id = ${d.id}`);
    expect((await withCookie('GET', '/api/v1/users', ds.cookie)).status).toBe(403);
  });

  it('keeps researchers out of admin actions and the console reads (403), cookie or key', async () => {
    const s = await signIn(researcher.key);
    expect(s.status).toBe(200);
    expect(s.body.user.role).toBe('researcher');
    const b = await t.call('POST', '/api/v1/batches', { key: researcher.key, body: benchSpec({ name: 'rita batch' }) });
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/v1/console/snapshot'], ['GET', '/api/v1/console/history'], ['GET', '/api/v1/console/validation'], ['GET', '/api/v1/console/dispatch'],
      ['GET', '/api/v1/live'], ['GET', '/api/v1/events'], ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { name: 'sneaky', role: 'admin' }],
      ['PATCH', `/api/v1/batches/${b.body.batchId}`, { priority: 999 }],
    ];
    for (const [method, path, body] of attempts) {
      const viaCookie = await withCookie(method, path, s.cookie, { body, headers: CSRF });
      expect(viaCookie.status, `${method} ${path} (cookie)`).toBe(403);
      expect(viaCookie.body.error.code).toBe('forbidden');
      expect((await t.call(method, path, { key: researcher.key, body })).status, `${method} ${path} (key)`).toBe(403);
    }
    const [row] = await t.grid.db.rows<{ priority: number }>(sql`SELECT priority FROM batches WHERE id = ${b.body.batchId}`);
    expect(row!.priority).toBe(0);
  });

  it("gives each user only their own hosts, host history and credit; the grid's history is the admin's", async () => {
    const vesna = await t.user('vesna', 'volunteer');
    const mine = await makeHost(t.grid.db, { ownerId: vesna.id });
    const other = await makeHost(t.grid.db, { ownerId: researcher.id });
    const readings = { cpuLoad: 55, gpuLoad: null, memUsed: 30, cpuTemp: 61, gpuTemp: null, battery: null };
    // One sample a minute per host: a second report within the minute adds none.
    await recordHostSample(t.grid.db, mine.id, { intensity: 'high', running: 2, readings });
    await recordHostSample(t.grid.db, mine.id, { intensity: 'high', running: 2, readings: { ...readings, cpuLoad: 99 } });
    await recordHostSample(t.grid.db, other.id, { intensity: 'low', running: 1, readings: { ...readings, cpuLoad: 25 } });
    // An old sample is dropped when the host's next sample is taken.
    await t.grid.db.rows(sql`INSERT INTO host_samples (host_id, at, intensity, running) VALUES (${mine.id}, now() - interval '8 days', 'low', 0)`);
    await t.grid.db.rows(sql`UPDATE host_samples SET at = at - interval '2 minutes' WHERE host_id = ${mine.id} AND at > now() - interval '1 day'`);
    await recordHostSample(t.grid.db, mine.id, { intensity: 'medium', running: 1, readings: { ...readings, cpuLoad: 75 } });
    const [left] = await t.grid.db.rows<{ n: number; old: number }>(sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE at < now() - interval '7 days')::int AS old FROM host_samples WHERE host_id = ${mine.id}`);
    expect(left).toEqual({ n: 2, old: 0 });

    const hostsOf = async (key: string) => ((await t.call('GET', '/api/v1/console/hosts', { key })).body.hosts as { id: string }[]).map((x) => x.id);
    expect(await hostsOf(vesna.key)).toEqual([mine.id]);
    expect(await hostsOf(researcher.key)).toEqual([other.id]);
    const own = await t.call('GET', `/api/v1/console/hosts/${mine.id}/history?hours=1`, { key: vesna.key });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ hostId: mine.id, cpuLoad: [55, 75], cpuTemp: [61, 61], running: [2, 1], intensity: ['high', 'medium'] });
    expect((await t.call('GET', `/api/v1/console/hosts/${other.id}/history`, { key: vesna.key })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/console/hosts/${mine.id}/history?hours=0`, { key: vesna.key })).body.error.field).toBe('hours');
    expect((await t.call('GET', '/api/v1/console/hosts/nope/history', { key: vesna.key })).status).toBe(400);

    // Credit: vesna's ledger rows only, per UTC day.
    await t.grid.db.rows(sql`INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted) VALUES
      (${mine.id}, ${vesna.id}, 900001, 1, 3, 2.5), (${other.id}, ${researcher.id}, 900002, 1, 9, 9)`);
    await t.grid.db.rows(sql`INSERT INTO user_credit (user_id, total_credit, rac) VALUES (${vesna.id}, 2.5, 1) ON CONFLICT (user_id) DO UPDATE SET total_credit = 2.5`);
    const credit = await t.call('GET', '/api/v1/console/my-credit?days=7', { key: vesna.key });
    expect(credit.body).toMatchObject({ totalCredit: 2.5, hosts: 1 });
    expect(credit.body.days).toHaveLength(7);
    expect(credit.body.granted.at(-1)).toBe(2.5);
    expect(credit.body.granted.slice(0, -1).every((g: number) => g === 0)).toBe(true);

    // The grid's history (admin): both hosts online in the last bucket, each at its last intensity; mean load of all samples there.
    const hist = await t.call('GET', '/api/v1/console/history?hours=1');
    expect(hist.status).toBe(200);
    const b = hist.body;
    expect(b.buckets).toHaveLength(b.wusDone.length);
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect({ low: sum(b.online.low), medium: sum(b.online.medium), high: sum(b.online.high) }).toMatchObject({ low: 1, medium: 1, high: 1 });
    const loads = (b.cpuLoad as (number | null)[]).filter((x) => x !== null);
    expect(loads.length).toBeGreaterThan(0);
    expect(sum(b.credit.granted)).toBeGreaterThanOrEqual(11.5);
  });

  it('re-prioritises an open batch and its unfinished work units, and records who did it', async () => {
    const b = await t.call('POST', '/api/v1/batches', { body: benchSpec({ name: 'reprio', priority: 1 }) });
    const id = b.body.batchId as string;
    const wus = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${id} ORDER BY seq`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE id = ${wus[0]!.id}`); // done is reached through running
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'done', finished_at = now() WHERE id = ${wus[0]!.id}`);
    const r = await withCookie('PATCH', `/api/v1/batches/${id}`, adminCookie, { body: { priority: 42 }, headers: CSRF });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ batchId: id, priority: 42, previousPriority: 1, workUnitsUpdated: 2 });
    const rows = await t.grid.db.rows<{ priority: number; state: string }>(sql`SELECT priority, state FROM work_units WHERE batch_id = ${id} ORDER BY seq`);
    expect(rows.map((x) => x.priority)).toEqual([1, 42, 42]);
    expect((await t.call('GET', `/api/v1/batches/${id}`)).body.priority).toBe(42);
    const [ev] = await t.grid.db.rows<{ actor: string; data: any }>(sql`SELECT actor, data FROM events WHERE kind = 'batch.reprioritised' AND subject = ${id}`);
    expect(ev).toMatchObject({ actor: adminId, data: { from: 1, to: 42, wus: 2 } });

    expect((await t.call('PATCH', `/api/v1/batches/${id}`, { body: { priority: 5000 } })).body.error.field).toBe('priority');
    expect((await t.call('PATCH', '/api/v1/batches/00000000-0000-4000-8000-000000000000', { body: { priority: 1 } })).status).toBe(404);
    await t.call('POST', `/api/v1/batches/${id}/cancel`);
    const closed = await t.call('PATCH', `/api/v1/batches/${id}`, { body: { priority: 7 } });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('batch_not_open');
  });

  it('streams hello, a snapshot and the grid events over server-sent events, and lets go when the client leaves', async () => {
    const res = await t.app.request('/api/v1/live', { headers: { cookie: adminCookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    const next = async (event: string, timeoutMs = 10_000): Promise<any> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = new RegExp(`event: ${event.replace('.', '\\.')}\\ndata: (.*)\\n`).exec(buf);
        if (m) {
          buf = buf.slice(m.index + m[0].length);
          return JSON.parse(m[1]!);
        }
        if (Date.now() > end) throw new Error(`no ${event} in ${buf.slice(0, 500)}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buf += decoder.decode(value, { stream: true });
      }
    };
    const hello = await next('hello');
    expect(hello).toMatchObject({ user: { name: 'root', role: 'admin' } });
    expect(hello.bootId).toMatch(/^[0-9a-f-]{36}$/);
    const snap = await next('snapshot');
    expect(snap.workUnits.total).toBeGreaterThan(0);
    expect(snap.throughput.minutes).toHaveLength(60);

    const b = await t.call('POST', '/api/v1/batches', { body: benchSpec({ name: 'live one' }) });
    expect(await next('batch.submitted')).toEqual({ batchId: b.body.batchId, wuCount: 3 });
    const fresh = await next('snapshot'); // an event brings a snapshot soon, not at the next tick
    expect(fresh.openBatches.map((x: { name: string }) => x.name)).toContain('live one');
    t.grid.events.emit('wu.validated', { wuIds: Array.from({ length: 150 }, (_, i) => i + 1) });
    const v = await next('wu.validated');
    expect(v.count).toBe(150);
    expect(v.wuIds).toHaveLength(100);
    await reader.cancel();
  });

  it('computes one snapshot per interval for all subscribers, and stops listening when the last one leaves', async () => {
    const hub = createLiveHub(t.grid, { snapshotMs: 150, minGapMs: 50 });
    const a: string[] = [];
    const b: string[] = [];
    const offA = hub.subscribe((m) => a.push(m.event));
    const offB = hub.subscribe((m) => b.push(m.event));
    expect(hub.subscribers).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    t.grid.events.emit('host.changed', { hostId: 'x' });
    expect(a.filter((e) => e === 'snapshot').length).toBeGreaterThanOrEqual(2);
    expect(a).toContain('host.changed');
    expect(b).toEqual(a);
    offA();
    offB();
    expect(hub.subscribers).toBe(0);
    const seen = a.length;
    t.grid.events.emit('host.changed', { hostId: 'y' });
    await new Promise((r) => setTimeout(r, 400));
    expect(a).toHaveLength(seen);
    expect((await hub.latest()).workUnits.total).toBeGreaterThan(0);
  });

  it('reads hosts with their current work, validation problems, dispatch by kernel and the snapshot', async () => {
    const vol = await t.user('vera', 'volunteer');
    const good = await t.host(vol.id, { name: 'good-box', online: true, lastContact: new Date(), readings: { cpuTemp: 71, gpuTemp: null, cpuLoad: 55 }, intensity: 'high' });
    const cheat = await t.host(researcher.id, { name: 'cheat-box', invalidCount: 3, validCount: 1, errorRate: 0.6 });
    const b = await t.call('POST', '/api/v1/batches', { body: benchSpec({ name: 'reads' }) });
    const [w0, w1] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${b.body.batchId} ORDER BY seq`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE id = ${w0!.id}`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE id = ${w1!.id}`); // done is reached through running
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'done', finished_at = now() WHERE id = ${w1!.id}`);
    const [rep] = await t.grid.db.rows<{ id: number }>(sql`INSERT INTO replicas (wu_id, host_id, owner_id, state, deadline, progress)
      VALUES (${w0!.id}, ${good}, ${vol.id}, 'in_progress', now() + interval '1 hour', 40) RETURNING id`);
    await t.grid.db.rows(sql`INSERT INTO replicas (wu_id, host_id, owner_id, state, validate_state, deadline, reported_at, output_sha256)
      VALUES (${w1!.id}, ${cheat}, ${researcher.id}, 'reported', 'invalid', now(), now(), ${'a'.repeat(64)})`);
    await t.grid.db.rows(sql`UPDATE hosts SET progress = ${JSON.stringify([{ replicaId: rep!.id, step: 4, totalSteps: 10, percent: 40 }])}::jsonb WHERE id = ${good}`);

    const patched = await withCookie('PATCH', `/api/v1/hosts/${good}`, adminCookie, { body: { intensity: 'low' }, headers: CSRF });
    expect(patched.status).toBe(200);
    const hosts = (await withCookie('GET', '/api/v1/console/hosts', adminCookie)).body.hosts as any[];
    const g = hosts.find((x) => x.id === good);
    expect(g).toMatchObject({ name: 'good-box', intensity: 'low', current: [expect.objectContaining({ replicaId: rep!.id, batchName: 'reads', seq: 0, percent: 40 })] });
    expect(Date.parse(g.changedAt)).toBeGreaterThan(Date.now() - 60_000);
    const [ev] = await t.grid.db.rows<{ actor: string }>(sql`SELECT actor FROM events WHERE kind = 'host.updated' AND subject = ${good}`);
    expect(ev!.actor).toBe(adminId);

    const val = (await withCookie('GET', '/api/v1/console/validation', adminCookie)).body;
    expect(val.replicas).toEqual([expect.objectContaining({ validateState: 'invalid', host: expect.objectContaining({ name: 'cheat-box' }), batchName: 'reads', seq: 1 })]);
    expect(val.hosts[0]).toMatchObject({ name: 'cheat-box', errorRate: 0.6, recent: { bad: 1, total: 1 }, rising: true });

    const d = (await withCookie('GET', '/api/v1/console/dispatch?minutes=30', adminCookie)).body;
    expect(d.minutes).toHaveLength(30);
    expect(d.kernels).toEqual([{ kernel: 'bench.hash@1', counts: expect.any(Array) }]);
    expect(d.kernels[0].counts.reduce((s: number, n: number) => s + n, 0)).toBe(2);

    const snap = (await withCookie('GET', '/api/v1/console/snapshot', adminCookie)).body;
    const live = snap.hostsLive.find((x: { id: string }) => x.id === good);
    expect(live).toMatchObject({ online: true, cpuTemp: 71, cpuLoad: 55, items: [{ replicaId: rep!.id, percent: 40 }] });
    expect(snap.heat.hottestCpu).toBe(71);
    const batch = snap.openBatches.find((x: { name: string }) => x.name === 'reads');
    expect(batch).toMatchObject({ wuCount: 3, counts: { running: 1, done: 1, pending: 1 }, percent: 33.3 });
    expect(snap.throughput.validated.at(-1)).toBeGreaterThanOrEqual(1);
  });

  it('counts a banned host neither online nor working, though its row still says it is connected', async () => {
    const vol = await t.user('bart', 'volunteer');
    const banned = await t.host(vol.id, { name: 'banned-box', online: true, status: 'banned', lastContact: new Date(), intensity: 'high', invalidCount: 2, errorRate: 0.3 });
    await t.grid.db.rows(sql`UPDATE hosts SET progress = ${JSON.stringify([{ replicaId: 1, step: 1, totalSteps: 10, percent: 10 }])}::jsonb WHERE id = ${banned}`);
    const snap = (await withCookie('GET', '/api/v1/console/snapshot', adminCookie)).body;
    expect(snap.hostsLive.find((x: { id: string }) => x.id === banned)).toMatchObject({ online: false, status: 'banned', items: [] });
    expect(snap.heat.banned).toBeGreaterThanOrEqual(1);
    const [{ n }] = await t.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM hosts WHERE online AND status <> 'banned'`);
    expect(snap.hosts.online).toBe(n);
    const val = (await withCookie('GET', '/api/v1/console/validation', adminCookie)).body.hosts as { id: string; online: boolean }[];
    expect(val.find((x) => x.id === banned)!.online).toBe(false);
  });
});
