import type { AgentMessage, MessageOf } from '@nfl-grid/shared/protocol/messages';

/*
 * `error` messages to the coordinator (a refused work packet, a failed item, an outbox that
 * cannot be written). On a welcomed session one is sent at once; otherwise it is held, up to
 * MAX_HELD, and the held ones go out when the next session is welcomed. The work loop says when
 * sessions begin and end; the work in hand and the loop both report through here.
 */

type ErrorMsg = MessageOf<AgentMessage, 'error'>;

const MAX_HELD = 1000;
const MAX_MESSAGE = 4000;

export class ErrorReports {
  private readonly held: ErrorMsg[] = [];
  private online = false;

  constructor(private readonly send: (msg: AgentMessage) => boolean) {}

  report(replicaId: number | null, code: string, message: string): void {
    const msg: ErrorMsg = { type: 'error', replicaId, code, message: message.slice(0, MAX_MESSAGE) };
    if (this.online && this.send(msg)) return;
    if (this.held.length < MAX_HELD) this.held.push(msg);
  }

  /** A session was welcomed: sends what was held, and later reports at once. */
  sessionUp(): void {
    this.online = true;
    for (const msg of this.held.splice(0)) this.send(msg);
  }

  sessionDown(): void {
    this.online = false;
  }
}
