import type { z } from 'zod';

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; fields: string[] };

// ignoreBOM keeps a leading byte-order mark in the text, as Buffer#toString did, so such a frame
// still fails as bad JSON; malformed bytes become U+FFFD in both.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes of a frame that arrived in fragments (Node's ws hands over a Buffer per fragment). */
function joinFragments(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Parses one websocket frame: JSON first, then the schema. Never throws. Frames arrive as a
 * string, bytes (a Node Buffer is a Uint8Array), an ArrayBuffer or fragments; no Node API is
 * needed to read them, so the module also runs in the browser.
 */
export function parseFrame<T>(schema: z.ZodType<T>, raw: string | Uint8Array | ArrayBuffer | Uint8Array[]): ParseOutcome<T> {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (Array.isArray(raw)) text = utf8.decode(joinFragments(raw));
  else text = utf8.decode(raw);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON', fields: [] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, code: 'bad_message', message, fields };
  }
  return { ok: true, value: parsed.data };
}
