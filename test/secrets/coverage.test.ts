/**
 * The leak check covers every test (issue 7, item 4): each test file runs with the capture, and
 * every emulator, client and flow a test makes comes from the helpers that put the canary in its
 * secrets and scan what it emits. Checked on the sources, so that a new test cannot slip past.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import config from '../../vitest.config.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    // test/runtimes/node_modules: the runtimes the runtime matrix runs, not tests.
    if (entry.name === 'node_modules') return []
    if (entry.isDirectory()) return sources(path)
    return /\.(ts|mts|tsx)$/.test(entry.name) ? [relative(root, path)] : []
  })
}

/** The names a file imports from a module whose path matches `from`. */
function importsFrom(text: string, from: RegExp): string[] {
  const names: string[] = []
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    if (m[1] || !from.test(m[3] as string)) continue
    for (const name of (m[2] as string).split(',')) {
      const n = name.trim()
      if (n !== '' && !n.startsWith('type ')) names.push(n.split(/\s+as\s+/)[0] as string)
    }
  }
  // A namespace or a dynamic import: everything.
  for (const m of text.matchAll(
    /import\s+\*\s+as\s+\w+\s+from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
  )) {
    if (from.test((m[1] ?? m[2]) as string)) names.push('*')
  }
  return names
}

const tests = sources(join(root, 'test')).filter(
  (file) => !file.startsWith('test/helpers/') && !file.startsWith('test/secrets/fixtures/'),
)

/** Child processes, not vitest files: they get their secrets from the test that starts them. */
const children = new Set(['test/flow/workers/refresh-worker.ts', 'test/runtimes/apps/app.ts'])
/** Its wxauth imports are the text of apps it bundles and measures, never run. */
const bundledOnly = new Set(['test/package/edge-bundle.test.ts'])

describe('the leak check covers every test', () => {
  it('runs in every test file: vitest’s setupFiles installs it', () => {
    expect(config.test?.setupFiles).toContain('./test/setup/secrets.ts')
  })

  it('every emulator comes from test/helpers/emulator.ts (the canary in its credentials)', () => {
    const offenders = tests.filter((file) => {
      const text = readFileSync(join(root, file), 'utf8')
      const direct = importsFrom(text, /(^|\/)(src|dist)\/emulator\/index\.js$|^wxauth\/emulator$/)
      return direct.includes('createEmulator') || direct.includes('*')
    })
    expect(offenders).toEqual([])
    const calls = tests.filter((file) =>
      readFileSync(join(root, file), 'utf8').includes('createEmulator('),
    )
    expect(calls.length).toBeGreaterThan(30)
  })

  it('every client and flow comes from test/helpers/wxauth.ts (its secrets, logs and responses seen)', () => {
    const offenders = tests.filter((file) => {
      if (children.has(file) || bundledOnly.has(file)) return false
      const text = readFileSync(join(root, file), 'utf8')
      const direct = importsFrom(
        text,
        /(^|\/)(src|dist)\/(index|flow\/index|client\/index)\.js$|^wxauth$/,
      )
      return direct.some((name) => name === 'createClient' || name === 'createWxAuth')
    })
    expect(offenders).toEqual([])
  })
})
