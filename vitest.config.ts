import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
    globalSetup: ['test/helpers/build-cli.global-setup.ts'],
    setupFiles: ['test/helpers/yaml-parser.setup.ts'],
  },
});
