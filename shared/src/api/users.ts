import { z } from 'zod';

export const Role = z.enum(['admin', 'researcher', 'volunteer']);
export type Role = z.infer<typeof Role>;

export const CreateUserBody = z.object({
  name: z.string().trim().min(1).max(100).regex(/^[\w.@+-]+$/, 'letters, digits and . _ @ + - only'),
  role: Role,
  team: z.string().trim().min(1).max(100).optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const CreateKeyBody = z.object({
  label: z.string().trim().min(1).max(100).optional(),
});
