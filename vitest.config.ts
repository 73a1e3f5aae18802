import { defineConfig } from 'vitest/config';

const env = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // Run counts (PowertoolsRunMetrics) would print CloudWatch EMF lines in every test that moves a run.
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  NO_COLOR: '1',
};

/**
 * One run, four suites (`npm test`), each runnable alone (`npm run test:<name>`).
 * Besides the console summary, a JSON report lands in reports/vitest.json for .ci/run.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], env } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], env, testTimeout: 60_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], env, testTimeout: 180_000, hookTimeout: 180_000 } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], env, testTimeout: 90_000, hookTimeout: 90_000 } },
    ],
  },
});
