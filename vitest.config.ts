import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The leak check: captures what leaves the app side in every test and fails on a canary.
    setupFiles: ['./test/setup/secrets.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
