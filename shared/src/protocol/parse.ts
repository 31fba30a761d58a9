import type { z } from 'zod';

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; fields: string[] };

/** Parses one websocket frame: JSON first, then the schema. Never throws. */
export function parseFrame<T>(schema: z.ZodType<T>, raw: string | Buffer | ArrayBuffer | Buffer[]): ParseOutcome<T> {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (Array.isArray(raw)) text = Buffer.concat(raw).toString('utf8');
  else if (raw instanceof ArrayBuffer) text = Buffer.from(raw).toString('utf8');
  else text = raw.toString('utf8');
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
