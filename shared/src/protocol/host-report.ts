import { z } from 'zod';

/*
 * What an agent reports about its host: the heat level it runs at, its compute backend, its
 * hardware and its sensor readings.
 */

/** The four heat levels a volunteer can pick; see DESIGN.md "Heat". */
export const Intensity = z.enum(['low', 'medium', 'high', 'inferno']);
export type Intensity = z.infer<typeof Intensity>;

/** Compute backends an agent may report. */
export const Backend = z.enum(['tfjs-node-gpu', 'wasm', 'cpu', 'none']);
export type Backend = z.infer<typeof Backend>;

export const Hardware = z.object({
  platform: z.string().max(64),
  arch: z.string().max(32),
  cpuModel: z.string().max(200),
  cores: z.number().int().min(1).max(4096),
  memoryMb: z.number().int().min(1),
  gpus: z.array(z.object({ model: z.string().max(200), memoryMb: z.number().int().min(0).nullable() })).max(64),
});
export type Hardware = z.infer<typeof Hardware>;

/** Sensor readings; a sensor that is missing is null, never zero. */
export const Readings = z.object({
  cpuLoad: z.number().min(0).max(100).nullable(),
  gpuLoad: z.number().min(0).max(100).nullable(),
  memUsed: z.number().min(0).max(100).nullable(),
  cpuTemp: z.number().min(-50).max(200).nullable(),
  gpuTemp: z.number().min(-50).max(200).nullable(),
  battery: z.object({ percent: z.number().min(0).max(100), charging: z.boolean() }).nullable(),
});
export type Readings = z.infer<typeof Readings>;
