import type { AgentSettings } from '../../agent/src/config';
import { DEFAULT_LIMITS } from '../../agent/src/heat/thermal-guard';

/** For tests: complete AgentSettings with quick timings; override what the test is about. */
export function testSettings(o: Partial<AgentSettings> = {}): AgentSettings {
  return {
    coordinator: 'http://127.0.0.1:1', token: null, intensity: 'low', dataDir: '', name: 't', agentVersion: 'test', fault: null,
    checkpointIntervalSeconds: null,
    rules: { windows: [], pauseOnBattery: true, idleMinutes: 0 },
    limits: DEFAULT_LIMITS,
    plain: true,
    timing: { reconnectInitialMs: 10, reconnectMaxMs: 100, replyTimeoutMs: 5000, benchmarkMs: 20, sensorMs: 5000, statusMs: 1000 },
    ...o,
  };
}
