import { z } from 'zod';
import { Intensity } from '../protocol/host-report';

export const HostStatus = z.enum(['active', 'paused', 'banned']);
export type HostStatus = z.infer<typeof HostStatus>;

/** Owners may set intensity and pause/resume; only admins ban or lift a ban. */
export const PatchHostBody = z.object({
  intensity: Intensity.optional(),
  status: HostStatus.optional(),
}).refine((b) => b.intensity !== undefined || b.status !== undefined, { message: 'give intensity or status', path: ['intensity'] });
export type PatchHostBody = z.infer<typeof PatchHostBody>;
