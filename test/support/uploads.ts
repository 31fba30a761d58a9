import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';

/*
 * Uploads as an attacker sends them: large bodies written as fast as the socket takes them and
 * never finished, and requests whose headers never end. Each settles with what the coordinator
 * did about it: answered (status and body) or closed the connection.
 */

export interface UploadOutcome {
  status: number | null;
  body: string;
  /** The connection was closed (reset, or ended) without a complete answer or after it. */
  closed: boolean;
  /** Body bytes the socket took before the answer or the close. */
  sent: number;
  ms: number;
}

export interface UploadOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Declared in content-length; without it the body is sent chunked. */
  declaredBytes?: number;
  /** Most bytes written; the request is never ended either way. */
  maxBytes: number;
  chunkBytes?: number;
  /** Gives up (and destroys the socket) after this. */
  giveUpMs: number;
}

/** One large upload that is never finished; settles on the answer, a close, or giving up. */
export function unfinishedUpload(url: string, path: string, o: UploadOptions): Promise<UploadOutcome> {
  const started = Date.now();
  const chunk = Buffer.alloc(o.chunkBytes ?? 256 * 1024, 0x61);
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let body = '';
    let settled = false;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
    if (o.declaredBytes !== undefined) headers['content-length'] = String(o.declaredBytes);
    else headers['transfer-encoding'] = 'chunked';
    const req = request(url + path, { method: o.method ?? 'POST', headers, agent: false });
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, body, closed, sent, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), o.giveUpMs);
    // One chunk per turn of the event loop, so the answer is read as soon as it comes.
    const pump = () => {
      if (settled || sent >= o.maxBytes) return;
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', pump);
    };
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => finish(false));
      res.on('error', () => finish(true));
    });
    req.on('error', () => finish(true));
    req.on('close', () => finish(status === null));
    req.flushHeaders();
    pump();
  });
}

/** A request whose headers never end (one header line, then silence); settles when the server closes it. */
export function unfinishedHeaders(url: string, giveUpMs: number): Promise<{ closed: boolean; answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write('POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nx-slow: 1\r\n'));
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, answer, ms: Date.now() - started }); }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { answer += d; });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, answer, ms: Date.now() - started }); });
  });
}

/**
 * A websocket to /agent that never says hello: one text frame declaring `declaredBytes`, its
 * payload written as fast as the socket takes it and never finished. Settles when the server
 * closes the connection, or on giving up.
 */
export function unfinishedFrame(url: string, o: { declaredBytes: number; giveUpMs: number; chunkBytes?: number }): Promise<{ closed: boolean; upgraded: boolean; sent: number; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  const chunk = Buffer.alloc(o.chunkBytes ?? 256 * 1024, 0x20);
  return new Promise((resolve) => {
    let sent = 0;
    let upgraded = false;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, upgraded, sent, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), o.giveUpMs);
    const pump = () => {
      if (settled || sent >= o.declaredBytes) return;
      sent += chunk.length;
      if (socket.write(chunk)) setImmediate(pump);
      else socket.once('drain', pump);
    };
    const socket = connect(Number(port), hostname, () => socket.write([
      'GET /agent HTTP/1.1', `Host: ${hostname}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Key: ${Buffer.alloc(16, 7).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', '',
    ].join('\r\n')));
    socket.once('data', (d: Buffer) => {
      upgraded = d.toString('latin1').startsWith('HTTP/1.1 101');
      if (!upgraded) return finish(true);
      // FIN + text, masked (with a zero key, so the payload goes as written), 64-bit length.
      const header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(o.declaredBytes), 2);
      socket.write(header);
      pump();
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** Resident set size of a process, MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}
