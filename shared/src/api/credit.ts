import { z } from 'zod';

export const LeaderboardQuery = z.object({
  by: z.enum(['user', 'host']).default('user'),
  limit: z.coerce.number().int().min(1).max(1000).default(20),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;
