import { Hono } from 'hono';
import { listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef } from '@nfl-grid/shared/kernels/types';
import { requireAuth } from '../auth/require-auth';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';

export function kernelsRoutes(grid: Grid) {
  return new Hono()
    .get('/kernels',
      describeRoute({ summary: 'The kernels this coordinator can schedule' }),
      requireAuth(grid),
      (c) => c.json({
        kernels: listKernels().map((k) => ({ ref: kernelRef(k), name: k.name, version: k.version, title: k.title, capabilities: k.capabilities })),
      }));
}
