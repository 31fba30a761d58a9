import { z } from 'zod';

/*
 * Path and paging parameters the REST API shares with its clients (CLI, console). Query values
 * arrive as strings, so numbers are coerced. Uuid path ids, which may be shortened to a prefix,
 * are checked and resolved by the coordinator (coordinator/src/routes/http/id-param.ts).
 */

/** Work units and replicas have bigint ids. */
export const SerialIdParam = z.object({ id: z.coerce.number().int('expected an integer id').positive('expected a positive id').max(Number.MAX_SAFE_INTEGER) });

export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Paging = z.infer<typeof Paging>;
