import { Hono } from 'hono';
import { z } from 'zod';
import { findKernel, latestKernel, listKernels, unknownKernelMessage } from '@nfl-grid/shared/kernels/registry';
import { type Kernel, kernelRef } from '@nfl-grid/shared/kernels/types';
import { requireAuth } from '../auth/access';
import { AppError } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const KernelParam = z.strictObject({ name: z.string().min(1).max(100).describe('a kernel name (its newest version) or name@version') });

const summaryOf = (k: Kernel) => ({ ref: kernelRef(k), name: k.name, version: k.version, title: k.title, capabilities: k.capabilities });

type Json = Record<string, unknown>;

/** The params' defaults, read off the JSON Schema (a kernel may require params, so parsing `{}` is no way to get them). */
function defaultsOf(schema: Json): Json {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  return Object.fromEntries(Object.entries(props).filter(([, p]) => 'default' in p).map(([k, p]) => [k, p.default]));
}

/** The kernels this coordinator schedules, and each one's params as a JSON Schema (what a batch's `params` must satisfy). */
export function kernelsRoutes(grid: Grid) {
  return new Hono()
    .get('/kernels',
      describeRoute({ summary: 'The kernels this coordinator can schedule' }),
      requireAuth(grid),
      (c) => c.json({ kernels: listKernels().map(summaryOf) }))
    .get('/kernels/:name',
      describeRoute({
        summary: "A kernel's params as a JSON Schema (2020-12), with their defaults and bounds, and its other versions",
        responses: { 200: 'The kernel', 404: 'No such kernel (the message names the nearest and lists the kernels)' },
      }),
      requireAuth(grid), zv('param', KernelParam),
      (c) => {
        const ref = c.req.valid('param').name;
        const kernel = ref.includes('@') ? findKernel(ref) : latestKernel(ref);
        if (!kernel) throw new AppError(404, 'not_found', unknownKernelMessage(ref), 'name');
        const { $schema: _, ...params } = z.toJSONSchema(kernel.paramsSchema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json;
        return c.json({
          ...summaryOf(kernel),
          versions: listKernels().filter((k) => k.name === kernel.name).map((k) => k.version).sort((a, b) => a - b),
          params,
          defaults: defaultsOf(params),
        });
      });
}
