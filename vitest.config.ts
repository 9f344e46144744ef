import { defineConfig } from 'vitest/config';

// Tests start real servers and real worker threads; on a 2-core machine running files in
// parallel only adds contention, so files run one at a time with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
  },
});
