import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const env = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  NO_COLOR: '1',
};

/**
 * Files run side by side, one worker a core (vitest's default leaves a core
 * idle: on a 2-core CI machine, one file at a time). Every file starts its own
 * dynalite on a free port and its own fixtures, so files share nothing.
 * What measures time against the wall runs afterwards, one file at a time:
 * the scale tests (simulated AWS limits per second, the 10 s answer bound)
 * and the end-to-end tests (a real server process, its timers, kill -9).
 */
const WORKERS = Math.max(availableParallelism(), 1);
const alone = { sequence: { groupOrder: 1 }, maxWorkers: 1 } as const;

/**
 * One run, five suites (`npm test`), each runnable alone (`npm run test:<name>`).
 * Besides the console summary, a JSON report lands in reports/vitest.json for .ci/run.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], env, maxWorkers: WORKERS } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          exclude: ['tests/integration/scale/**'],
          env,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: WORKERS,
        },
      },
      { extends: true, test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], env, testTimeout: 180_000, hookTimeout: 180_000, maxWorkers: WORKERS } },
      { extends: true, test: { name: 'scale', include: ['tests/integration/scale/**/*.test.ts'], env, testTimeout: 60_000, hookTimeout: 60_000, ...alone } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], env, testTimeout: 90_000, hookTimeout: 90_000, ...alone } },
    ],
  },
});
