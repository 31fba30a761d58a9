import { describe, expect, it } from 'vitest';
import { GuardrailLimits } from '@nfl-grid/shared/bandit/api';
import { breaches, type ArmHealth } from './guardrails';

const limits = GuardrailLimits.parse({ minSamples: 10, minReward: 0.1, maxShare: 0.9 });
const healthy: ArmHealth = { arm: 'a@1', errorRate: 0.1, finished: 50, invalidRate: 0.05, judged: 50, recentReward: 0.5, rewards: 50, share: 0.5, contested: 50 };

describe('guardrail limits', () => {
  it('flags the first limit an arm breaches, once it has enough samples', () => {
    expect(breaches([healthy], limits)).toEqual([]);
    expect(breaches([{ ...healthy, errorRate: 0.6, invalidRate: 0.9 }], limits)).toEqual([{ arm: 'a@1', kind: 'error_rate', value: 0.6, limit: 0.5, samples: 50 }]);
    expect(breaches([{ ...healthy, errorRate: 0.6, finished: 9 }], limits)).toEqual([]);
    expect(breaches([{ ...healthy, invalidRate: 0.51 }], limits)[0]).toMatchObject({ kind: 'invalid_rate' });
    expect(breaches([{ ...healthy, recentReward: 0.05 }], limits)[0]).toMatchObject({ kind: 'reward', value: 0.05, limit: 0.1 });
    expect(breaches([{ ...healthy, recentReward: 0.05 }], { ...limits, minReward: null })).toEqual([]);
    expect(breaches([{ ...healthy, share: 0.95 }], limits)[0]).toMatchObject({ kind: 'share', limit: 0.9 });
    expect(breaches([{ ...healthy, share: 0.95, contested: 3 }], limits)).toEqual([]);
  });
});
