import { sql } from 'drizzle-orm';
import { Forbidden, Unauthorized } from '../errors';
import type { Grid } from '../coordinator';

/**
 * A host credential that verifies and names a host the grid still serves: a banned host keeps
 * a signature-valid credential, so every route an agent uses checks the host row too.
 */
export async function verifyActiveHost(grid: Grid, token: string): Promise<{ hostId: string; ownerId: string }> {
  const who = await grid.keys.verifyHostCredential(token);
  const [host] = await grid.db.rows<{ status: string }>(sql`SELECT status FROM hosts WHERE id = ${who.hostId}`);
  if (!host) throw new Unauthorized('the host credential names no enrolled host', 'unknown_host');
  if (host.status === 'banned') throw new Forbidden('this host is banned from the grid', 'host_banned');
  return who;
}
