/*
 * "Did you mean …?" for misspelt names (params, kernels): the known name nearest by edit
 * distance, case ignored, if it is near enough to be a slip rather than a different word.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `name`, within a third of its length (at least 1 edit); else undefined. */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined, bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(lower, k.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

interface ZodLike { _zod?: { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown> } } }

/** The keys an object schema accepts at `path` (through defaults, optionals and nullables). */
export function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let s = schema as ZodLike | undefined;
  const unwrap = () => {
    while (s?._zod?.def?.innerType) s = s._zod.def.innerType as ZodLike;
  };
  unwrap();
  for (const key of path) {
    s = s?._zod?.def?.shape?.[String(key)] as ZodLike | undefined;
    unwrap();
  }
  return Object.keys(s?._zod?.def?.shape ?? {});
}

interface Issue { code: string; path: PropertyKey[]; message: string; keys?: string[] }

/**
 * The issue to tell a caller first, with its path and message: an unknown key before anything
 * else (a misspelt name also makes its intended field look missing), with the nearest known key.
 */
export function firstIssue(schema: unknown, issues: readonly Issue[]): { path: string[]; message: string } {
  const unknown = issues.find((i) => i.code === 'unrecognized_keys' && i.keys?.length);
  if (unknown) {
    const key = unknown.keys![0]!;
    const hint = didYouMean(key, knownKeysAt(schema, unknown.path));
    return { path: [...unknown.path.map(String), key], message: `unknown field ${key}${hint ? `; did you mean ${hint}?` : ''}` };
  }
  const issue = issues[0]!;
  return { path: issue.path.map(String), message: issue.message };
}
