import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/*
 * Until an agent's hello is accepted, its connection is nobody's: the websocket library buffers a
 * frame whole before handing it on, so a connection that declares a 31 MB frame and trickles it
 * in would pin that much memory without any credential. The raw bytes such a connection sends are
 * counted, and past the limit the socket is destroyed (no close handshake to wait out).
 */

/** The socket under an upgraded request, as @hono/node-server hands it to the route (`c.env.incoming`). */
export function socketOf(env: unknown): Socket | undefined {
  return (env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
}

/**
 * Counts the bytes arriving on `socket`; once more than `maxBytes` have come, calls `exceeded`
 * and destroys the socket. Returns the function that stops counting (call it when hello is in).
 */
export function limitBytesBeforeHello(socket: Socket | undefined, maxBytes: number, exceeded: (bytes: number) => void): () => void {
  if (!socket) return () => {};
  let seen = 0;
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= maxBytes) return;
    socket.off('data', onData);
    exceeded(seen);
    socket.destroy();
  };
  socket.on('data', onData);
  return () => socket.off('data', onData);
}
