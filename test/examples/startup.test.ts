/**
 * The examples: examples/README.md's run lines carry the emulator's
 * configuration (`--env-file=examples/emulator.env`); an example started without configuration
 * exits with a line naming the variables to set, and on a port in use with the `PORT=N` to start
 * on instead, never a stack trace.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, Proc, root } from './harness.js'

const examples = ['node', 'express', 'fastify', 'koa', 'hono']

/** Every variable the examples read, unset. */
const empty: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'WECHAT_APP_ID',
    'WECHAT_APP_SECRET',
    'WECHAT_WEBSITE_APP_ID',
    'WECHAT_WEBSITE_APP_SECRET',
    'WXAUTH_SECRET',
    'PORT',
    'BASE_URL',
    'WECHAT_API_BASE_URL',
    'WECHAT_OPEN_BASE_URL',
  ].map((name) => [name, undefined]),
)

const stackFrame = /^\s+at /m

async function start(name: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const p = new Proc(process.execPath, [...args, `examples/${name}/server.mjs`], {
    env: { ...empty, ...env },
  })
  const code = await p.exit(15_000)
  return { code, stdout: p.stdout, stderr: p.stderr }
}

beforeAll(() => ensureBuilt(), 120_000)

describe('regression: examples/README.md run lines include --env-file=examples/emulator.env', () => {
  it('every node run line of an example, and the Next.js line after its .env.local', async () => {
    const readme = await readFile(join(root, 'examples/README.md'), 'utf8')
    const runs = readme.split('\n').filter((l) => /node .*examples\/\w+\/server\.mjs/.test(l))
    for (const name of examples) {
      expect(
        runs.some((l) => l.includes(`examples/${name}/server.mjs`)),
        name,
      ).toBe(true)
    }
    for (const line of runs) expect(line).toContain('node --env-file=examples/emulator.env ')
    const next = readme.split('\n').filter((l) => l.includes('next dev examples/next'))
    expect(next.length).toBeGreaterThan(0)
    for (const line of next) {
      const before = readme.slice(0, readme.indexOf(line) + line.indexOf('next dev'))
      expect(before).toContain('cp examples/emulator.env examples/next/.env.local')
    }
  })
})

describe('regression: an example without configuration names the variables to set', () => {
  it.each(examples)('examples/%s with an empty environment', async (name) => {
    const r = await start(name, {})
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'Missing configuration: set WECHAT_APP_ID, WECHAT_APP_SECRET, WXAUTH_SECRET',
    )
    expect(r.stderr).toContain(`node --env-file=examples/emulator.env examples/${name}/server.mjs`)
    expect(r.stderr).not.toMatch(stackFrame)
    expect(r.stdout).toBe('')
  })

  it('an invalid value is one line too (a short WXAUTH_SECRET)', async () => {
    const r = await start('express', { WXAUTH_SECRET: 'short' }, [
      '--env-file=examples/emulator.env',
    ])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/^Invalid configuration: secrets\[0\] must be .*32 characters/)
    expect(r.stderr).not.toMatch(stackFrame)
  })
})

describe('regression: an example on a port in use says PORT=N', () => {
  let taken: Server
  let port: number

  beforeAll(async () => {
    taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, resolve))
    ;({ port } = taken.address() as { port: number })
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => taken?.close(() => resolve()))
  })

  it.each(examples)('examples/%s', async (name) => {
    const env = { PORT: String(port), BASE_URL: `http://localhost:${port}` }
    const r = await start(name, env, ['--env-file=examples/emulator.env'])
    expect(r.code).not.toBe(0)
    const m = new RegExp(
      `^Port ${port} is in use; start on another with: PORT=(\\d+) BASE_URL=http://localhost:(\\d+) node --env-file=examples/emulator.env examples/${name}/server.mjs$`,
      'm',
    ).exec(r.stderr)
    expect(m, r.stderr).not.toBeNull()
    expect(m?.[1]).toBe(m?.[2])
    expect(Number(m?.[1])).not.toBe(port)
    expect(r.stderr).not.toMatch(stackFrame)
    expect(r.stdout).not.toMatch(/Listening on/)
  })
})
