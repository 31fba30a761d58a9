import { startCoordinator, type RunningCoordinator } from '../../coordinator/src/coordinator';
import { apiClient } from './api-client';
import { startAgent, tempDir, type AgentOptions } from './processes';
import { openTestDb, type DbKind, type TestDb } from './test-db';

/** An in-process coordinator on a fresh test database, with an admin client and helpers. */
export interface TestGrid {
  c: RunningCoordinator;
  url: string;
  admin: ReturnType<typeof apiClient>;
  testDb: TestDb;
  createUser(name: string, role: 'admin' | 'researcher' | 'volunteer'): Promise<{ id: string; key: string; api: ReturnType<typeof apiClient> }>;
  /** A new volunteer with an enrollment token, and an agent process enrolled with it. */
  volunteerAgent(name: string, o?: Partial<AgentOptions>): Promise<ReturnType<typeof startAgent> & { userId: string; userKey: string; hostId: string }>;
  stop(): Promise<void>;
}

export async function startTestGrid(kind: DbKind, env: Record<string, string> = {}): Promise<TestGrid> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) { saved[k] = process.env[k]; process.env[k] = v; }
  const testDb = await openTestDb(kind);
  const c = await startCoordinator({ port: 0, dataDir: tempDir('coord') }, { db: testDb.db });
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  const admin = apiClient(c.url, c.adminKey!);
  const agents: ReturnType<typeof startAgent>[] = [];
  const createUser: TestGrid['createUser'] = async (name, role) => {
    const res = await admin.post('/api/v1/users', { name, role });
    if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${res.text}`);
    return { id: res.body.user.id, key: res.body.apiKey, api: apiClient(c.url, res.body.apiKey) };
  };
  return {
    c,
    url: c.url,
    admin,
    testDb,
    createUser,
    async volunteerAgent(name, o = {}) {
      const user = await createUser(name, 'volunteer');
      const tok = await user.api.post('/api/v1/enrollment-tokens', {});
      if (tok.status !== 201) throw new Error(`enrollment token failed: ${tok.status} ${tok.text}`);
      const agent = startAgent({ coordinator: c.url, token: tok.body.token, name, ...o });
      agents.push(agent);
      const m = await agent.waitFor(/agent ready host=([0-9a-f-]{36})/, 60_000);
      return Object.assign(agent, { userId: user.id, userKey: user.key, hostId: m[1]! });
    },
    async stop() {
      await Promise.all(agents.map((a) => a.kill('SIGKILL')));
      await c.stop();
      await testDb.drop();
    },
  };
}
