import { z } from 'zod';

export const EventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  kind: z.string().min(1).max(64).optional(),
});
