import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import … from 'gongshu'` in a test resolves to the sources (the package's `gongshu-source` condition), the
  // copy the tests import by path; the installed package resolves to the compiled dist/.
  ssr: { resolve: { conditions: ['gongshu-source', ...defaultServerConditions] } },
  resolve: { conditions: ['gongshu-source', ...defaultServerConditions] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    // Limits that only stop a hung test: room for two suites sharing a loaded 2-core machine (a CLI test that
    // spawns a dozen commands took 27 s at load 10). No test asserts on speed.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two test files at a time, also on 2 cores: most files wait on child processes, servers and disks, so the
    // suite took 249 s with two workers against 423 s with vitest's default of one (cores − 1), all passing.
    maxWorkers: 2,
    env: { TZ: 'Asia/Shanghai' },
  },
});
