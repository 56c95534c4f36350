import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Scans in tests never see the vulnerability database of the machine running them.
    env: { SANCTUM_CACHE_DIR: join(tmpdir(), 'sanctum-tests-no-cache') },
  },
});
