import type { AgentMessage, MessageOf, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { ResultItem } from '@nfl-grid/shared/protocol/work-packet';
import type { PrivateKey } from '@nfl-grid/shared/signing/keys';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { describe } from '../errors';
import type { Outbox } from './outbox';
import { nextRequestId } from './request-id';

/*
 * Reports finished items: each result goes into the outbox first, then out in a `result` message
 * whose JWS the host key signs. Results that finish within a short window travel in one packet.
 * An entry stays in the outbox until a `result_ack` accepts or rejects it; it is sent again after
 * every reconnect, and when no acknowledgement came for a while.
 */

/** Results that finish within this window share a packet. */
const BATCH_WINDOW_MS = 25;
/** Resend results that were not acknowledged within this time. */
const ACK_TIMEOUT_MS = 60_000;
const MAX_PER_PACKET = 200;
/**
 * Several results share a packet up to this size; a larger single result (up to ~6 MB of JSON)
 * travels alone, within the protocol's MAX_RESULT_JWS_CHARS (base64 grows it by 4/3).
 */
const MAX_PACKET_JSON_BYTES = 4_000_000;

type ResultAck = MessageOf<CoordinatorMessage, 'result_ack'>;

export interface ReporterOptions {
  outbox: Outbox;
  hostId: string;
  key: PrivateKey;
  send: (msg: AgentMessage) => boolean;
  log: Logger;
  /** Called once the acknowledged entries are out of the outbox (the credit tally). */
  onAcknowledged?: (accepted: number[], rejected: number[]) => void;
}

export class ResultReporter {
  /** Replica id → when its result was last sent in this session. */
  private readonly sentAt = new Map<number, number>();
  private batchTimer: NodeJS.Timeout | null = null;
  private resendTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private again = false;

  constructor(private readonly o: ReporterOptions) {}

  /** Stores a finished result durably, then sends it soon (with any others that finish meanwhile). */
  async add(result: ResultItem): Promise<void> {
    await this.o.outbox.put(this.o.hostId, result);
    this.schedule(BATCH_WINDOW_MS);
  }

  /** A new session: everything unacknowledged goes out again. */
  onSession(): void {
    this.sentAt.clear();
    this.schedule(0);
  }

  async onAck(ack: ResultAck): Promise<void> {
    for (const r of ack.rejected) {
      this.o.log.warn(`result rejected replica=${r.replicaId} (${r.code}): ${r.message}`, { replicaId: r.replicaId, code: r.code });
    }
    const ids = [...ack.accepted, ...ack.rejected.map((r) => r.replicaId)];
    const removing = this.o.outbox.remove(ids);
    for (const id of ids) this.sentAt.delete(id);
    await removing;
    this.o.onAcknowledged?.(ack.accepted, ack.rejected.map((r) => r.replicaId));
    this.o.log.info(`results acknowledged accepted=${ack.accepted.join(',') || '-'} rejected=${ack.rejected.map((r) => r.replicaId).join(',') || '-'}`, {
      rid: ack.rid ?? null, accepted: ack.accepted, rejected: ack.rejected.map((r) => r.replicaId), outbox: this.o.outbox.size,
    });
  }

  /** Forgets results the coordinator no longer wants (welcome.dropped). */
  async drop(replicaIds: number[]): Promise<number[]> {
    const removing = this.o.outbox.remove(replicaIds);
    for (const id of replicaIds) this.sentAt.delete(id);
    return removing;
  }

  /** Sends every result not yet sent (or not acknowledged in time); one flush at a time. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        await this.flushOnce().catch((e) => this.o.log.error(`sending results failed: ${describe(e)}`));
      } while (this.again);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stops the resend timer (the agent is stopping). */
  close(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.resendTimer) clearTimeout(this.resendTimer);
    this.batchTimer = this.resendTimer = null;
  }

  private schedule(ms: number): void {
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = null;
      void this.flush();
    }, ms);
  }

  private async flushOnce(): Promise<void> {
    const now = Date.now();
    const due = this.o.outbox.list().filter((e) => e.hostId === this.o.hostId && now - (this.sentAt.get(e.result.replicaId) ?? -Infinity) >= ACK_TIMEOUT_MS);
    for (const packet of chunk(due.map((e) => e.result))) {
      const jws = await signResultPacket(this.o.key, this.o.hostId, packet);
      const ids = packet.map((r) => r.replicaId);
      const rid = nextRequestId();
      if (!this.o.send({ type: 'result', jws, rid })) {
        this.o.log.info(`results held in the outbox until reconnected replicas=${ids.join(',')}`);
        return;
      }
      const resent = ids.filter((id) => this.sentAt.has(id));
      for (const id of ids) this.sentAt.set(id, now);
      this.o.log.info(`results sent replicas=${ids.join(',')} rid=${rid}${resent.length ? ` (resent ${resent.length} unacknowledged)` : ''}`, { rid, replicas: ids });
    }
    if (this.sentAt.size > 0 && !this.resendTimer) {
      this.resendTimer = setTimeout(() => {
        this.resendTimer = null;
        void this.flush();
      }, ACK_TIMEOUT_MS);
      this.resendTimer.unref();
    }
  }
}

/** Splits results into packets by count and by approximate JSON size. */
function chunk(results: ResultItem[]): ResultItem[][] {
  const out: ResultItem[][] = [];
  let cur: ResultItem[] = [];
  let bytes = 0;
  for (const r of results) {
    const size = JSON.stringify(r).length;
    if (cur.length > 0 && (cur.length >= MAX_PER_PACKET || bytes + size > MAX_PACKET_JSON_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}
