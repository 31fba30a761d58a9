import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'coordinator/src/**/*.test.ts', 'agent/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallel files few so timing-sensitive process tests stay honest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
