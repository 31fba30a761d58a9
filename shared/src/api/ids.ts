import { z } from 'zod';

/*
 * Path and paging parameters the REST API shares with its clients (CLI, console). Query values
 * arrive as strings, so numbers are coerced.
 */

export const IdParam = z.object({ id: z.uuid('expected a uuid') });

/** Work units and replicas have bigint ids. */
export const SerialIdParam = z.object({ id: z.coerce.number().int('expected an integer id').positive('expected a positive id').max(Number.MAX_SAFE_INTEGER) });

export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Paging = z.infer<typeof Paging>;
