import type { LiveHello, LiveKind, LiveMessage, Snapshot } from './types';

/*
 * The console's end of GET /api/v1/live. EventSource reconnects by itself after a dropped
 * connection (the server asks for 2 s); when the browser gives up (the server answered an error,
 * e.g. while it restarts behind a proxy) we open a new one with backoff. Every `hello` after the
 * first means we were disconnected: the views refetch their state, since events were missed.
 *
 * Feed states: connecting -> live -> reconnecting -> live ... ; `stopped` after stop().
 */

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface FeedHandlers {
  message(m: LiveMessage): void;
  state(s: FeedState, detail?: string): void;
  /** Connected again after a gap; `restarted` when it is a new coordinator process. */
  reconnected(restarted: boolean): void;
  /** The stream was refused (401/403): the caller checks the session. */
  refused(): void;
}

const KINDS: LiveKind[] = ['hello', 'snapshot', 'batch.submitted', 'batch.finished', 'wu.validated', 'wu.failed', 'host.changed'];

export class LiveFeed {
  private es: EventSource | null = null;
  private bootId: string | null = null;
  private helloCount = 0;
  private retryMs = 1000;
  private timer: number | null = null;
  private stopped = false;
  snapshot: Snapshot | null = null;
  /** Server clock minus ours, ms. */
  skewMs = 0;

  constructor(private readonly url: string, private readonly on: FeedHandlers) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.es?.close();
    this.es = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.on.state('stopped');
  }

  private open(): void {
    if (this.stopped) return;
    this.on.state(this.helloCount ? 'reconnecting' : 'connecting');
    const es = new EventSource(this.url, { withCredentials: true });
    this.es = es;
    for (const kind of KINDS) {
      es.addEventListener(kind, (ev) => {
        let data: unknown;
        try { data = JSON.parse((ev as MessageEvent).data); } catch { return; }
        this.handle({ event: kind, data } as LiveMessage);
      });
    }
    es.addEventListener('error', () => {
      if (this.es !== es || this.stopped) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser will not retry (an HTTP error, or the stream was refused): we do, with backoff,
        // after asking whether we are still signed in.
        this.es = null;
        this.on.state('reconnecting', `retrying in ${Math.round(this.retryMs / 1000)} s`);
        this.on.refused();
        this.timer = window.setTimeout(() => { this.timer = null; this.open(); }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 15_000);
      } else {
        this.on.state('reconnecting');
      }
    });
  }

  private handle(m: LiveMessage): void {
    if (m.event === 'hello') {
      const hello = m.data as LiveHello;
      const restarted = this.bootId !== null && hello.bootId !== this.bootId;
      this.bootId = hello.bootId;
      this.skewMs = Date.parse(hello.serverTime) - Date.now();
      this.retryMs = 1000;
      this.helloCount++;
      this.on.state('live');
      if (this.helloCount > 1) this.on.reconnected(restarted);
    }
    if (m.event === 'snapshot') this.snapshot = m.data;
    this.on.message(m);
  }
}
