import { defineConfig } from 'vitest/config'
import { hideSkipNotes } from './test/skipped-reporter.js'

export default defineConfig({
  // The package's own `#…` imports resolve to src/ in tests, as in the type check (tsconfig's
  // customConditions); built code resolves them to dist/.
  ssr: { resolve: { conditions: ['wxauth-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The leak check: captures what leaves the app side in every test and fails on a canary.
    setupFiles: ['./test/setup/secrets.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // A file that skips for want of Redis or Chromium notes it; one line sums the notes up.
    onConsoleLog: hideSkipNotes,
    reporters: ['default', './test/skipped-reporter.ts', './test/summary-reporter.ts'],
  },
})
