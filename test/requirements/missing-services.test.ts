/**
 * `npm test` without Chromium or Redis. With CI=true the files that need them
 * fail (not skip); elsewhere they skip and the run prints one line saying what was skipped and how
 * to install it, not a warning per file. Runs the real vitest config on the real files in a
 * subprocess, with Chromium, Redis and redis-server pointed at nothing (and no redis-server on
 * PATH either).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const needy = [
  'test/e2e/emulator-by-hand.test.ts',
  'test/flow/refresh-processes.test.ts',
  'test/stores/redis.test.ts',
  'test/stores/redis-restart.test.ts',
]
let bin: string
let closed: number

beforeAll(async () => {
  // A PATH with node alone: no redis-server to find.
  bin = mkdtempSync(join(tmpdir(), 'wxauth-bin-'))
  symlinkSync(process.execPath, join(bin, 'node'))
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closed = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

afterAll(() => {
  if (bin) rmSync(bin, { recursive: true, force: true })
})

function vitest(files: string[], ci: boolean) {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        CI: ci ? 'true' : undefined,
        NO_COLOR: '1',
        PATH: bin,
        CHROMIUM_PATH: join(bin, 'chromium'),
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        REDIS_SERVER: join(bin, 'redis-server'),
      },
    },
  )
  return { code: run.status, output: `${run.stdout}\n${run.stderr}` }
}

describe('regression: npm test without Chromium or Redis', () => {
  it('outside CI: the files skip, and one line says what was skipped and how to install it', () => {
    const r = vitest(needy, false)
    expect(r.code, r.output).toBe(0)
    // What says that something is missing (the files' own warnings did, one per file).
    const notes = r.output
      .split('\n')
      .filter((l) => /no (Chromium|Redis)\b|redis-server (is )?not installed/.test(l))
    expect(notes, r.output).toHaveLength(1)
    const [note] = notes
    expect(note).toMatch(/^Skipped for what this machine lacks: /)
    expect(note).toContain('browser tests in 1 file (no Chromium at')
    expect(note).toContain('apt-get install chromium')
    expect(note).toContain('Redis tests in 2 files (no Redis at')
    expect(note).toContain('apt-get install redis-server, then redis-server --daemonize yes')
    expect(note).toContain('tests that run their own redis-server in 1 file')
    expect(note).toContain('With CI=true these fail instead.')
    expect(r.output).toMatch(/^Tests: 0 passed, 0 failed, \d+ skipped$/m)
  }, 60_000)

  it('with CI=true: each file that needs one fails, and so does the run', () => {
    const r = vitest([...needy, 'test/cli/doctor-command.test.ts'], true)
    expect(r.code, r.output).not.toBe(0)
    for (const file of [...needy, 'test/cli/doctor-command.test.ts']) {
      expect(r.output).toMatch(new RegExp(`FAIL +${file.replaceAll('.', '\\.')}`))
    }
    expect(r.output).toMatch(
      /CI must provide it for the browser tests \(apt-get install chromium\)/,
    )
    expect(r.output).toMatch(/^Tests: 0 passed, 5 failed, 0 skipped$/m)
  }, 120_000)
})
