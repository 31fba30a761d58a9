/*
 * Walking the coordinator's own OpenAPI document: its operations, and each one's URL with the path
 * parameters filled in. The tenancy walk uses it, so a route added later is walked too.
 */

export interface Op { key: string; method: string; path: string; query: string[]; body: boolean }

interface OpenApiDoc { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>> }

export function operations(doc: OpenApiDoc): Op[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({
    key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path,
    query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), body: op.requestBody !== undefined,
  })));
}

/**
 * The URL of an operation with its path parameters filled: from `owned` (keyed by the segment
 * before the parameter, e.g. `batches/{id}`) where the parameter names someone's object (`owned`
 * is then true; an undefined value there makes the URL null), else from `open` by parameter name.
 * A parameter found in neither throws, so whoever adds a route decides which kind it is.
 */
export function urlOf(
  op: Op, owned: Record<string, string | number | undefined>, open: Record<string, string>, query: Record<string, string>,
): { url: string | null; owned: boolean } {
  let named = false;
  let missing = false;
  const segments = op.path.split('/').map((seg, i, all) => {
    const m = /^\{(.+)\}$/.exec(seg);
    if (!m) return seg;
    const slot = `${all[i - 1]}/${seg}`;
    if (slot in owned) {
      named = true;
      if (owned[slot] === undefined) missing = true;
      return encodeURIComponent(String(owned[slot]));
    }
    if (m[1]! in open) return encodeURIComponent(open[m[1]!]!);
    throw new Error(`${op.key}: the walk has no value for {${m[1]}}; say whether it names a tenant's object or a public value`);
  });
  const qs = op.query.filter((n) => n in query).map((n) => `${n}=${encodeURIComponent(query[n]!)}`).join('&');
  return { url: missing ? null : segments.join('/') + (qs ? `?${qs}` : ''), owned: named };
}
