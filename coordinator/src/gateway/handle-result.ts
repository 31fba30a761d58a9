import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { createHash } from 'node:crypto';
import type { MessageOf, AgentMessage, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { ResultPacketRejected, verifyResultPacket } from '@nfl-grid/shared/signing/result-packet';
import type { Grid } from '../grid';
import { reportResults, type ReportedResult } from '../queue/report-results';
import type { AgentSession } from './agent-session';

type Ack = MessageOf<CoordinatorMessage, 'result_ack'>;

// node:crypto rather than Web Crypto here: one synchronous hash per result is far cheaper than
// an awaited digest job on the coordinator's hot path.
function hashMatches(output: unknown, sha: string): boolean {
  try {
    return createHash('sha256').update(canonicalJson(output)).digest('hex') === sha;
  } catch {
    return false;
  }
}

/**
 * A packet of results: the host's signature must verify, each output must hash to the sha256 it
 * names, and each replica must be one this host holds. The rest are refused by replica id.
 */
export async function handleResult(
  grid: Grid, session: AgentSession, msg: MessageOf<AgentMessage, 'result'>,
): Promise<Ack | MessageOf<CoordinatorMessage, 'error'>> {
  let claims;
  try {
    claims = await verifyResultPacket(msg.jws, session.publicKey, session.hostId);
  } catch (e) {
    const code = e instanceof ResultPacketRejected ? e.code : 'bad_signature';
    grid.log.component('gateway').warn('result packet refused', { host: session.hostId, code, reason: (e as Error).message });
    // Nothing in an unverified packet can be trusted, not even its replica ids.
    return { type: 'error', code, message: (e as Error).message, fields: ['jws'] };
  }
  const rejected: Ack['rejected'] = [];
  const good: ReportedResult[] = [];
  for (const r of claims.results) {
    if (!hashMatches(r.output, r.outputSha256)) {
      rejected.push({ replicaId: r.replicaId, code: 'bad_output_hash', message: 'outputSha256 does not match the output' });
      continue;
    }
    good.push({ replicaId: r.replicaId, output: r.output, outputSha256: r.outputSha256, cpuSeconds: r.cpuSeconds, elapsedSeconds: r.elapsedSeconds, steps: r.steps, ...(r.backend ? { backend: r.backend } : {}) });
  }
  const accepted = good.length ? await reportResults(grid.db, session.hostId, session.benchmarkFlops, good, grid.config.claims.cpuEstimateMultiple) : [];
  const ok = new Set(accepted.map((a) => a.replicaId));
  for (const r of good) {
    if (!ok.has(r.replicaId)) rejected.push({ replicaId: r.replicaId, code: 'not_held', message: 'this host does not hold that replica (unknown, finished, cancelled or reassigned)' });
  }
  const rid = msg.rid ?? null;
  if (rejected.length) grid.log.component('gateway').warn('results refused', { host: session.hostId, rid, rejected });
  grid.log.component('gateway').debug('results taken', { host: session.hostId, rid, replicas: [...ok], wus: accepted.map((a) => a.wuId) });
  if (accepted.length) grid.wakeValidator();
  return { type: 'result_ack', accepted: [...ok], rejected, ...(msg.rid ? { rid: msg.rid } : {}) };
}
