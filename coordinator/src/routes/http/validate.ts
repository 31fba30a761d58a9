import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { BadRequest } from '../../errors';
import { annotate, type InputTarget } from '../../openapi/registry';

type In<T extends InputTarget, S extends z.ZodType> =
  T extends 'json' ? z.input<S>
    : T extends 'param' ? { [K in keyof z.input<S>]: string }
      : { [K in keyof z.input<S>]?: string | string[] };

/** The first few zod issues as one 400, naming the first offending field. */
export function badRequestFromZod(error: z.ZodError, where: string): BadRequest {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  const issue = error.issues[0];
  // an unknown key has no path of its own: name the key itself
  const first = issue?.path.length ? issue.path.map(String).join('.') : issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  return new BadRequest(issues.join('; ') + more, first || undefined, 'invalid_field');
}

export async function readJson(text: string): Promise<unknown> {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadRequest(`request body is not valid JSON: ${(e as Error).message}`, undefined, 'bad_json');
  }
}

/**
 * Validates the JSON body, query or path parameters with a zod schema (from shared/src/api) and
 * stores the parsed value for `c.req.valid(target)`. Any content type is read as JSON, so a
 * client that forgets the header is not silently handed `{}`.
 */
export function zv<T extends InputTarget, S extends z.ZodType>(
  target: T, schema: S,
): MiddlewareHandler<any, string, { in: { [K in T]: In<T, S> }; out: { [K in T]: z.output<S> } }> {
  return annotate(async function validateInput(c, next) {
    const raw = target === 'json' ? await readJson(await c.req.text())
      : target === 'query' ? Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]))
        : c.req.param();
    const parsed = await schema.safeParseAsync(raw);
    if (!parsed.success) throw badRequestFromZod(parsed.error, target === 'json' ? 'body' : target);
    c.req.addValidatedData(target, parsed.data as never);
    await next();
  }, { inputs: [{ target, schema }] });
}
