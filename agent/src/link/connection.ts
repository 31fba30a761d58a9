import WebSocket from 'ws';
import { AgentMessage, CoordinatorMessage, type MessageOf } from '@nfl-grid/shared/protocol/messages';
import { parseFrame } from '@nfl-grid/shared/protocol/parse';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { endpoint } from '../config';
import { describe } from '../errors';
import { backoffDelay, sleep } from '../waits';

/*
 * The websocket to the coordinator, kept up for the agent's lifetime. Each session: connect, send
 * `hello`, wait for `welcome`, then hand every well-formed frame to the work loop. When the socket
 * drops (or the coordinator stops answering pings, or no welcome comes) it reconnects after an
 * exponential backoff with jitter, reset once a session is welcomed. Bad frames are logged and
 * ignored; nothing a coordinator sends can crash the agent.
 */

type Welcome = MessageOf<CoordinatorMessage, 'welcome'>;

export interface ConnectionOptions {
  url: string;
  log: Logger;
  backoff: { initialMs: number; maxMs: number };
  welcomeTimeoutMs: number;
  pingIntervalMs?: number;
}

/** What the connection hands each session to (the work loop); given to start(). */
export interface SessionHandlers {
  /** Builds `hello` when a socket opens (holding and intensity change between sessions). */
  hello: () => Promise<AgentMessage>;
  onWelcome: (msg: Welcome) => void;
  onMessage: (msg: CoordinatorMessage) => void;
  /** A welcomed session ended. */
  onDisconnect: () => void;
}

/** `ws(s)://…/agent` under the coordinator's base URL. */
export function agentSocketUrl(coordinator: string): string {
  const url = endpoint(coordinator, 'agent');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class Connection {
  private ws: WebSocket | null = null;
  private welcomed = false;
  private closing = false;
  private readonly closeController = new AbortController();
  private done: Promise<void> | null = null;

  constructor(private readonly o: ConnectionOptions) {}

  /** True while a welcomed session is open. */
  get ready(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Connects, and keeps reconnecting until close(); every session goes to `handlers`. */
  start(handlers: SessionHandlers): void {
    this.done ??= this.run(handlers);
  }

  /** Sends a message on a welcomed session; false when there is none (the caller keeps it). */
  send(msg: AgentMessage): boolean {
    if (!this.ready || !this.ws) return false;
    return this.write(this.ws, msg);
  }

  /** Sends `bye` (when a session is up), closes the socket and stops reconnecting. */
  async close(bye?: AgentMessage): Promise<void> {
    this.closing = true;
    this.closeController.abort();
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      if (bye && this.welcomed) this.write(ws, bye);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000, 'agent stopping');
      if (!(await Promise.race([closed.then(() => true), sleep(3000).then(() => false)]))) ws.terminate();
    } else {
      ws?.terminate();
    }
    await this.done;
  }

  private write(ws: WebSocket, msg: AgentMessage): boolean {
    const checked = AgentMessage.safeParse(msg);
    if (!checked.success) {
      this.o.log.error(`not sending a malformed ${msg.type} message: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return false;
    }
    ws.send(JSON.stringify(checked.data));
    return true;
  }

  private async run(handlers: SessionHandlers): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      const { welcomed, reason } = await this.session(handlers);
      if (welcomed) attempt = 0;
      if (this.closing) break;
      const ms = backoffDelay(attempt++, this.o.backoff);
      this.o.log.warn(`connection lost (${reason}); reconnecting in ${ms}ms (attempt ${attempt})`, { attempt, delayMs: ms });
      await sleep(ms, this.closeController.signal);
    }
  }

  /** One socket's life; resolves when it has closed. */
  private session(h: SessionHandlers): Promise<{ welcomed: boolean; reason: string }> {
    return new Promise((resolve) => {
      const { log } = this.o;
      const ws = new WebSocket(this.o.url, { handshakeTimeout: 10_000 });
      this.ws = ws;
      let welcomed = false;
      let lastError = '';
      let alive = true;
      let welcomeTimer: NodeJS.Timeout | undefined;
      let pingTimer: NodeJS.Timeout | undefined;

      ws.on('open', () => {
        log.info(`connected to ${this.o.url}`);
        welcomeTimer = setTimeout(() => {
          lastError = `no welcome within ${this.o.welcomeTimeoutMs}ms`;
          ws.terminate();
        }, this.o.welcomeTimeoutMs);
        pingTimer = setInterval(() => {
          if (!alive) {
            lastError = 'the coordinator stopped answering pings';
            ws.terminate();
            return;
          }
          alive = false;
          ws.ping();
        }, this.o.pingIntervalMs ?? 20_000);
        h.hello().then(
          (hello) => {
            if (ws.readyState === WebSocket.OPEN) this.write(ws, hello);
          },
          (e) => {
            lastError = `cannot build hello: ${describe(e)}`;
            ws.terminate();
          },
        );
      });
      ws.on('pong', () => {
        alive = true;
      });
      ws.on('message', (data) => {
        alive = true;
        const parsed = parseFrame(CoordinatorMessage, data);
        if (!parsed.ok) {
          log.warn(`ignored a bad frame from the coordinator (${parsed.code}): ${parsed.message.slice(0, 500)}`, { fields: parsed.fields.slice(0, 20) });
          return;
        }
        const msg = parsed.value;
        try {
          if (msg.type === 'welcome') {
            clearTimeout(welcomeTimer);
            welcomed = true;
            this.welcomed = true;
            h.onWelcome(msg);
          } else if (!welcomed) {
            if (msg.type === 'error') log.error(`coordinator refused the session (${msg.code}): ${msg.message}`, { code: msg.code });
            else log.warn(`ignored ${msg.type} before welcome`);
          } else {
            h.onMessage(msg);
          }
        } catch (e) {
          log.error(`handling ${msg.type} failed: ${describe(e)}`);
        }
      });
      ws.on('error', (e) => {
        lastError = describe(e);
      });
      ws.on('close', (code, reason) => {
        clearTimeout(welcomeTimer);
        clearInterval(pingTimer);
        if (this.ws === ws) this.ws = null;
        this.welcomed = false;
        if (welcomed) h.onDisconnect();
        const why = lastError || `closed with ${code}${reason.length ? ` ${reason.toString('utf8')}` : ''}`;
        resolve({ welcomed, reason: why });
      });
    });
  }
}
