import { defineConfig } from 'vitest/config';

// Three projects so each layer runs alone: `vitest run --project unit` and so on.
// Integration and e2e share one global setup per project that starts the real local
// servers (DynamoDB Local, fauxqs) once, never one server per test file.
export default defineConfig({
  test: {
    // Quiet the SDK's Node 20 support notice; Powertools metrics are not flushed to stdout in tests.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Property runs and CLI processes take a few seconds on an idle 2-core machine; the default
          // 5 s fails them whenever the machine is busy. A timeout is a hang guard, not a speed check.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
