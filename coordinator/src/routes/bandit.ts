import { and, desc, eq, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { ArmParam, BanditQuery, CapArmBody, DecisionsQuery, PutGuardrailsBody, PutStrategyBody, RecordedRewardsQuery } from '@nfl-grid/shared/bandit/api';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import { requireAuth } from '../auth/access';
import { capArmByAdmin, uncapArm } from '../bandit/caps';
import { banditView, recordedRewards } from '../bandit/report';
import { type BanditState, setLimits, setStrategy } from '../bandit/state';
import { banditDecisions } from '../db/schema/index';
import { Conflict, NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const strategyView = (s: BanditState) => ({
  strategy: s.strategy.strategy, params: s.strategy.params, version: s.version, changedAt: s.changedAt.toISOString(), changedBy: s.changedBy,
  previous: s.previous ? { strategy: s.previous.strategy, params: s.previous.params } : null,
});

/** The bandit scheduler: its state for anyone signed in; swapping the strategy, limits and caps for admins. */
export function banditRoutes(grid: Grid) {
  const admin = requireAuth(grid, ['admin']);
  const bandit = () => grid.bandit;
  const knownArm = (arm: string) => {
    if (!findKernel(arm)) throw new NotFound(`arm ${arm} (no such kernel)`, 'arm');
  };
  return new Hono()
    .get('/bandit',
      describeRoute({
        summary: 'The bandit scheduler: strategy in force, arms (pulls, mean reward, 95% CI, caps), dispatch shares per time bucket, estimated regret, exploration share, guardrails',
      }),
      requireAuth(grid), zv('query', BanditQuery),
      async (c) => c.json(await banditView(grid.db, await bandit().state(true), c.req.valid('query'))))
    .put('/bandit/strategy',
      describeRoute({ summary: 'Swap the bandit strategy at run time (admin); arm history is kept, and the change is recorded with its actor' }),
      admin, zv('json', PutStrategyBody),
      async (c) => {
        const s = await setStrategy(grid.db, c.req.valid('json'), c.get('user').id);
        bandit().invalidate();
        return c.json(strategyView(s));
      })
    .put('/bandit/guardrails',
      describeRoute({ summary: 'Change guardrail limits (admin): error, invalid and reward limits, dispatch share, windows, probation' }),
      admin, zv('json', PutGuardrailsBody),
      async (c) => {
        const s = await setLimits(grid.db, c.req.valid('json'), c.get('user').id);
        bandit().invalidate();
        return c.json({ limits: s.limits });
      })
    .post('/bandit/arms/:arm/cap',
      describeRoute({ summary: "Cap an arm's share of dispatch (admin); maxShare 0 stops it" }),
      admin, zv('param', ArmParam), zv('json', CapArmBody),
      async (c) => {
        const { arm } = c.req.valid('param');
        knownArm(arm);
        const body = c.req.valid('json');
        await capArmByAdmin(grid.db, arm, body.maxShare, body.reason, c.get('user').id);
        bandit().invalidate();
        return c.json({ arm, capped: true, maxShare: body.maxShare });
      })
    .post('/bandit/arms/:arm/uncap',
      describeRoute({ summary: 'Lift an arm cap (admin); its guardrail windows start afresh' }),
      admin, zv('param', ArmParam),
      async (c) => {
        const { arm } = c.req.valid('param');
        if (!(await uncapArm(grid.db, arm, c.get('user').id))) throw new Conflict(`arm ${arm} is not capped`, 'not_capped', 'arm');
        bandit().invalidate();
        return c.json({ arm, capped: false });
      })
    .get('/bandit/rewards',
      describeRoute({ summary: 'Recorded rewards per arm (newest first), for simulations on real data' }),
      requireAuth(grid), zv('query', RecordedRewardsQuery),
      async (c) => c.json({ arms: await recordedRewards(grid.db, c.req.valid('query').perArm) }))
    .get('/bandit/decisions',
      describeRoute({ summary: 'The decision log with propensities, newest first (admin; for off-policy evaluation)' }),
      admin, zv('query', DecisionsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const where = and(q.before ? lt(banditDecisions.id, q.before) : undefined, q.arm ? eq(banditDecisions.arm, q.arm) : undefined);
        const rows = await grid.db.orm.select().from(banditDecisions).where(where).orderBy(desc(banditDecisions.id)).limit(q.limit);
        return c.json({ decisions: rows });
      });
}
