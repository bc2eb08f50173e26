/**
 * The plain-JavaScript examples (examples/<framework>/server.mjs), each run as `node server.mjs`
 * with its configuration in environment variables, logged in through against the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { importsOf, loginThroughExample, startEmulator } from './example.js'
import { ensureBuilt, Proc } from './harness.js'

let emu: Emulator & { url: string }

beforeAll(async () => {
  ensureBuilt()
  emu = await startEmulator()
}, 120_000)

afterAll(async () => {
  await emu?.close()
})

const examples = {
  node: [],
  express: ['express'],
  fastify: ['fastify'],
  koa: ['koa'],
  hono: ['@hono/node-server', 'hono'],
} satisfies Record<string, string[]>

it('startup.mjs, which they share, imports only Node.js', async () => {
  const imports = await importsOf('examples/startup.mjs')
  expect(imports.filter((m) => !m.startsWith('node:'))).toEqual([])
})

describe.each(Object.entries(examples))('examples/%s', (name, framework) => {
  const file = `examples/${name}/server.mjs`

  it('imports only its framework, wxauth and wxauth/<framework> (and ../startup.mjs)', async () => {
    const imports = (await importsOf(file)).filter((m) => !m.startsWith('node:'))
    expect(imports.sort()).toEqual(
      [...framework, 'wxauth', `wxauth/${name}`, '../startup.mjs'].sort(),
    )
  })

  it('logs a WeChat user in and out', async () => {
    await loginThroughExample(
      emu,
      (env) => new Proc(process.execPath, [file], { env }),
      /^Listening on http:\/\/127\.0\.0\.1:\d+$/m,
    )
  })
})
