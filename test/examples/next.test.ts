/**
 * examples/next as it runs in production: `next build` once, then `next start` configured by
 * environment variables, logged in through against the emulator. The build runs on a copy under
 * test-results/ (git-ignored, still inside the package so that `wxauth` resolves to this one) so
 * that concurrent runs never share a `.next` directory.
 */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { importsOf, loginThroughExample, startEmulator } from './example.js'
import { ensureBuilt, Proc, root } from './harness.js'

const next = join(root, 'node_modules/next/dist/bin/next')
const env = { NEXT_TELEMETRY_DISABLED: '1' }
let emu: Emulator & { url: string }
let dir: string

beforeAll(async () => {
  ensureBuilt()
  emu = await startEmulator()
  await mkdir(join(root, 'test-results'), { recursive: true })
  dir = await mkdtemp(join(root, 'test-results', 'example-next-'))
  await cp(join(root, 'examples/next'), dir, {
    recursive: true,
    filter: (source) => !/[\\/]\.next([\\/]|$)/.test(source),
  })
}, 120_000)

afterAll(async () => {
  await emu?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && /\.m?js$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
}

describe('examples/next', () => {
  it('imports only next, wxauth and wxauth/next (and its own files)', async () => {
    const files = (await sources('examples/next')).filter((f) => !f.includes('.next'))
    expect(files.length).toBeGreaterThanOrEqual(4)
    const packages = new Set<string>()
    for (const file of files) {
      for (const m of await importsOf(file)) if (!m.startsWith('.')) packages.add(m)
    }
    expect([...packages].sort()).toEqual(['next/headers', 'wxauth', 'wxauth/next'])
  })

  it('next build, then next start: logs a WeChat user in and out', async () => {
    // Without the app's variables: the build must not need the runtime configuration.
    const build = new Proc(process.execPath, [next, 'build', dir], { env })
    expect(await build.exit(90_000), build.failure('failed').message).toBe(0)

    await loginThroughExample(
      emu,
      (vars, port) =>
        new Proc(process.execPath, [next, 'start', dir, '-p', String(port), '-H', '127.0.0.1'], {
          env: { ...env, ...vars },
        }),
      /Ready in/,
      20_000,
    )
  }, 120_000)
})
