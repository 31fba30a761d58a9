import WebSocket from 'ws';
import { AgentMessage, CoordinatorMessage, type MessageOf } from '@nfl-grid/shared/protocol/messages';
import { parseFrame } from '@nfl-grid/shared/protocol/parse';
import { needsSignature, signAgentMessage } from '@nfl-grid/shared/signing/agent-message';
import type { PrivateKey } from '@nfl-grid/shared/signing/keys';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { endpoint } from '../config';
import { describe } from '../errors';
import { backoffDelay, sleep } from '../waits';

/*
 * The websocket to the coordinator, kept up for the agent's lifetime. Each session: connect, wait
 * for the coordinator's `challenge`, send `hello` signed over its nonce, wait for `welcome`, then
 * hand every well-formed frame to the work loop. Every message but `result` goes out signed with
 * the host key for this connection (nonce and a rising sequence number), in the order it was
 * given; a later `challenge` is answered with a signed `still_here`. When the socket
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
  /** The host key that signs this host's messages. */
  signer: { hostId: string; key: PrivateKey };
}

/** One socket's signing state: its challenge nonce, the next sequence number, the send queue. */
interface Link {
  ws: WebSocket;
  nonce: string | null;
  seq: number;
  queue: Promise<void>;
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
  private link: Link | null = null;
  private welcomed = false;
  /** The code of the coordinator's last refusal of a hello (`host_banned`…); null once welcomed. */
  refusedWith: string | null = null;
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
    if (!this.ready || !this.link) return false;
    return this.write(this.link, msg);
  }

  /**
   * Sends the last messages (`suspend`, `bye`: when a session is up), closes the socket and stops
   * reconnecting.
   */
  async close(farewell: AgentMessage | AgentMessage[] = []): Promise<void> {
    this.closing = true;
    this.closeController.abort();
    const ws = this.ws;
    const link = this.link;
    if (ws && ws.readyState === WebSocket.OPEN) {
      if (this.welcomed && link) {
        for (const msg of Array.isArray(farewell) ? farewell : [farewell]) this.write(link, msg);
        await link.queue;
      }
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000, 'agent stopping');
      if (!(await Promise.race([closed.then(() => true), sleep(3000).then(() => false)]))) ws.terminate();
    } else {
      ws?.terminate();
    }
    await this.done;
  }

  /**
   * Checks the message against the protocol, signs it (the next sequence number on this link)
   * and sends it, after whatever was given before it.
   */
  private write(link: Link, msg: AgentMessage): boolean {
    const checked = AgentMessage.safeParse(msg);
    if (!checked.success) {
      this.o.log.error(`not sending a malformed ${msg.type} message: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return false;
    }
    const body = checked.data;
    const { nonce } = link;
    if (needsSignature(body.type) && nonce === null) return false;
    const seq = needsSignature(body.type) ? link.seq++ : null;
    const { hostId, key } = this.o.signer;
    link.queue = link.queue
      .then(async () => {
        const out = seq === null ? body : await signAgentMessage(key, { nonce: nonce!, hostId }, seq, body);
        if (link.ws.readyState === WebSocket.OPEN) link.ws.send(JSON.stringify(out));
      })
      .catch((e) => this.o.log.error(`sending ${body.type} failed: ${describe(e)}`));
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
      const link: Link = { ws, nonce: null, seq: 0, queue: Promise.resolve() };
      this.ws = ws;
      this.link = link;
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
      });
      // The first challenge opens the session: hello signs its nonce, as message 0.
      const sayHello = (nonce: string) => {
        link.nonce = nonce;
        h.hello().then(
          (hello) => {
            if (ws.readyState === WebSocket.OPEN) this.write(link, hello);
          },
          (e) => {
            lastError = `cannot build hello: ${describe(e)}`;
            ws.terminate();
          },
        );
      };
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
          if (msg.type === 'challenge') {
            if (link.nonce === null) sayHello(msg.nonce);
            else this.write(link, { type: 'still_here', nonce: msg.nonce });
          } else if (msg.type === 'welcome') {
            clearTimeout(welcomeTimer);
            welcomed = true;
            this.welcomed = true;
            this.refusedWith = null;
            h.onWelcome(msg);
          } else if (!welcomed) {
            if (msg.type === 'error') {
              this.refusedWith = msg.code;
              log.error(`coordinator refused the session (${msg.code}): ${msg.message}`, { code: msg.code });
            }
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
        if (this.link === link) this.link = null;
        this.welcomed = false;
        if (welcomed) h.onDisconnect();
        const why = lastError || `closed with ${code}${reason.length ? ` ${reason.toString('utf8')}` : ''}`;
        resolve({ welcomed, reason: why });
      });
    });
  }
}
