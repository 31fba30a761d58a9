import { upgradeWebSocket } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { WSContext } from 'hono/ws';
import { AgentMessage, type CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { parseFrame } from '@nfl-grid/shared/protocol/parse';
import { needsSignature, verifyAgentMessage } from '@nfl-grid/shared/signing/agent-message';
import type { Scheduler } from '../daemons/scheduler';
import { AppError } from '../errors';
import type { Grid } from '../grid';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { suspendReplicas } from '../queue/suspend-replicas';
import type { AgentConnection, LocalAgentRegistry } from './agent-registry';
import type { AgentSession } from './agent-session';
import { handleHello } from './handle-hello';
import { updateNotice } from './version-gate';
import { newNonce, proveHello } from './hello-proof';
import { handleCheckpoint, handleProgress } from './handle-progress';
import { handleResult } from './handle-result';
import { limitBytesBeforeHello, socketOf } from './pre-hello-limit';
import { settleSecondConnection } from './second-connection';

const HELLO_TIMEOUT_MS = 15_000;

export interface GatewayDeps {
  grid: Grid;
  agents: LocalAgentRegistry;
  scheduler: Scheduler;
  wakeTransitioner(): void;
}

/*
 * One websocket per agent. States: awaiting_hello -> ready -> closed. The socket opens with a
 * `challenge`; the hello must sign its nonce with the host key (hello-proof.ts), and every later
 * message but `result` must be signed on this connection with a rising sequence number. Frames
 * are handled one at a time in arrival order (a promise chain per socket); every frame is parsed
 * with the shared zod schemas, and a bad frame or a failing handler gets an `error` reply, never
 * a crash.
 */
export function createAgentGateway(deps: GatewayDeps): MiddlewareHandler {
  const { grid, agents, scheduler } = deps;
  return upgradeWebSocket((c) => {
    let session: AgentSession | null = null;
    let conn: AgentConnection | null = null;
    let closed = false;
    let chain: Promise<void> = Promise.resolve();
    let helloTimer: NodeJS.Timeout | null = null;
    let stopCounting = () => {};
    /** This connection's challenge nonce, and the last sequence number a signed message used. */
    const nonce = newNonce();
    let lastSeq = 0;
    /** A `challenge` sent on the welcomed session, waiting for `still_here`. */
    let liveCheck: { nonce: string; answer: (ok: boolean) => void } | null = null;
    const send = (ws: WSContext, msg: CoordinatorMessage) => {
      if (!closed) ws.send(JSON.stringify(msg));
    };
    const fail = (ws: WSContext, code: string, message: string, fields: string[] = []) => {
      grid.log.component('gateway').warn('agent protocol error', { host: session?.hostId ?? null, code, message });
      send(ws, { type: 'error', code, message, fields });
    };

    async function onFrame(ws: WSContext, data: unknown) {
      const parsed = parseFrame(AgentMessage, data as string);
      if (!parsed.ok) return fail(ws, parsed.code, parsed.message, parsed.fields);
      const msg = parsed.value;
      if (!session) {
        if (msg.type !== 'hello') return fail(ws, 'hello_required', 'the first message must be hello');
        const who = await proveHello(grid, msg, nonce);
        if (helloTimer) clearTimeout(helloTimer);
        stopCounting();
        await settleSecondConnection(grid, agents.get(who.hostId));
        if (closed) return;
        const h = await handleHello(grid, who, msg);
        session = {
          ...h, paused: h.config.paused, lastProgressWrite: 0,
          send: (m) => send(ws, m),
          close: (code, reason) => ws.close(code, reason),
          get closed() { return closed; },
        };
        conn = { hostId: h.hostId, ownerId: h.ownerId, send: session.send, close: session.close, challenge: (ms) => challenge(ws, ms) };
        agents.add(conn);
        send(ws, { type: 'welcome', hostId: h.hostId, serverTime: Date.now(), config: h.config, dropped: h.dropped, ...(h.credential ? { credential: h.credential } : {}) });
        if (h.outdated.length) {
          send(ws, { type: 'error', code: 'agent_outdated', message: updateNotice(msg.agentVersion, h.outdated), fields: [] });
          grid.log.component('gateway').info('agent too old for some kernels', { host: h.hostId, agentVersion: msg.agentVersion, outdated: h.outdated });
        }
        grid.events.emit('host.changed', { hostId: h.hostId });
        grid.log.component('gateway').info('agent connected', { host: h.hostId, kernels: h.kernels.length });
        return;
      }
      const s = session;
      if (msg.type === 'hello') return fail(ws, 'already_hello', 'hello was already received on this connection');
      if (needsSignature(msg.type)) {
        const m = msg as { sig?: { seq: number } };
        if (!m.sig) return fail(ws, 'unsigned_message', `${msg.type} must be signed with the host key`, ['sig']);
        if (m.sig.seq <= lastSeq || !(await verifyAgentMessage(s.publicKey, { nonce, hostId: s.hostId }, m as never))) {
          return fail(ws, 'bad_message_signature', `${msg.type} is not signed by this host on this connection (or is a replay)`, ['sig']);
        }
        lastSeq = m.sig.seq;
      }
      switch (msg.type) {
        case 'request_work':
          await scheduler.requestWork(s, msg.max, msg.rid) || send(ws, { type: 'no_work', retryAfterMs: grid.config.work.noWorkRetryMs, ...(msg.rid ? { rid: msg.rid } : {}) });
          return;
        case 'progress':
          return handleProgress(grid, s, msg);
        case 'checkpoint': {
          const problem = await handleCheckpoint(grid, s, msg);
          if (problem) fail(ws, problem.code, problem.message, [problem.field]);
          return;
        }
        case 'result':
          send(ws, await handleResult(grid, s, msg));
          return;
        case 'error':
          if (msg.replicaId === null) {
            grid.log.component('gateway').warn('agent reported a problem', { host: s.hostId, code: msg.code, message: msg.message });
            await grid.db.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('agent.error', ${s.hostId}, ${JSON.stringify({ code: msg.code, message: msg.message })}::jsonb)`);
            return;
          }
          await recordReplicaFailures(grid.db, s.hostId, [{ replicaId: msg.replicaId, state: 'errored', code: msg.code, message: msg.message }]);
          deps.wakeTransitioner();
          grid.wakeScheduler();
          return;
        case 'suspend': {
          const kept = await suspendReplicas(grid.db, s.hostId, msg.replicaIds, grid.config.work.suspendGraceSeconds);
          grid.log.info('agent suspended its work; kept for it until the grace runs out', {
            host: s.hostId, replicas: kept, graceSeconds: grid.config.work.suspendGraceSeconds, reason: msg.reason,
          });
          return;
        }
        case 'bye':
          if (msg.abandon.length) {
            await recordReplicaFailures(grid.db, s.hostId, msg.abandon.map((id) => ({ replicaId: id, state: 'abandoned' as const, code: 'abandoned', message: msg.reason })));
            grid.wakeScheduler();
          }
          ws.close(1000, 'bye');
          return;
        case 'still_here':
          if (!liveCheck || liveCheck.nonce !== msg.nonce) return fail(ws, 'unexpected_still_here', 'no challenge with that nonce is open', ['nonce']);
          liveCheck.answer(true);
          return;
      }
    }

    /** Asks this (welcomed) connection to prove it still holds the key, within `timeoutMs`. */
    function challenge(ws: WSContext, timeoutMs: number): Promise<boolean> {
      if (closed) return Promise.resolve(false);
      liveCheck?.answer(false);
      return new Promise((resolve) => {
        const check = {
          nonce: newNonce(),
          answer: (ok: boolean) => {
            clearTimeout(timer);
            if (liveCheck === check) liveCheck = null;
            resolve(ok);
          },
        };
        const timer = setTimeout(() => check.answer(false), timeoutMs);
        liveCheck = check;
        send(ws, { type: 'challenge', nonce: check.nonce });
      });
    }

    return {
      onOpen(_evt, ws) {
        stopCounting = limitBytesBeforeHello(socketOf(c.env), grid.config.http.anonymousBodyBytes, (bytes) => {
          grid.log.component('gateway').warn('agent connection sent too much before hello', { bytes, limit: grid.config.http.anonymousBodyBytes });
        });
        send(ws, { type: 'challenge', nonce });
        helloTimer = setTimeout(() => {
          if (!session) {
            fail(ws, 'hello_timeout', 'no hello received in time');
            ws.close(4408, 'hello timeout');
          }
        }, HELLO_TIMEOUT_MS);
      },
      onMessage(evt, ws) {
        chain = chain.then(() => onFrame(ws, evt.data)).catch((e) => {
          if (e instanceof AppError) {
            fail(ws, e.code, e.message, e.field ? [e.field] : []);
            if (!session && (e.status === 401 || e.status === 403 || e.status === 409)) ws.close(4000 + e.status, e.code);
          } else {
            grid.log.component('gateway').error('agent message failed', { host: session?.hostId ?? null, error: e as Error });
            fail(ws, 'internal_error', 'the coordinator could not handle this message');
          }
        });
      },
      onClose() {
        closed = true;
        liveCheck?.answer(false);
        if (helloTimer) clearTimeout(helloTimer);
        if (!session) return;
        const s = session;
        if (conn) agents.remove(conn);
        scheduler.forget(s.hostId);
        if (!agents.isOnline(s.hostId)) {
          void grid.db.rows(sql`UPDATE hosts SET online = false WHERE id = ${s.hostId}`).catch(() => {});
        }
        grid.events.emit('host.changed', { hostId: s.hostId });
        grid.log.component('gateway').info('agent disconnected', { host: s.hostId });
      },
    };
  });
}
