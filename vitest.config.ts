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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { TZ: 'Asia/Shanghai' },
  },
});
