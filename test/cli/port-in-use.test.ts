/**
 * A port in use is one clear line with the command to run again as the user
 * started it, `npm start -- --port N` under npm (a bare `--port` would go to npm itself), with a
 * port that is free, and no stack trace. A real listener holds the port.
 */
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, Proc } from '../examples/harness.js'

let taken: Server
let port: number

beforeAll(async () => {
  ensureBuilt()
  taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  ;({ port } = taken.address() as { port: number })
}, 120_000)

afterAll(async () => {
  await new Promise<void>((resolve) => taken?.close(() => resolve()))
})

/** Whether `candidate` can be listened on now. */
function free(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function run(command: string, args: string[]) {
  // Not under the npm script that may be running these tests.
  const p = new Proc(command, args, { env: { npm_lifecycle_event: undefined } })
  const code = await p.exit(30_000)
  return { code, stdout: p.stdout, stderr: p.stderr }
}

/** The suggested port, after checking the line around it; it is free. */
async function suggested(stderr: string, command: string, option: string): Promise<number> {
  const re = new RegExp(
    `^wxauth \\w+: port ${port} on 127\\.0\\.0\\.1 is in use; start on another with: ${command} ${option} (\\d+)$`,
    'm',
  )
  const m = re.exec(stderr)
  expect(m, stderr).not.toBeNull()
  const next = Number(m?.[1])
  expect(next).not.toBe(port)
  if (next !== 0) expect(await free(next)).toBe(true)
  expect(stderr).not.toMatch(/^\s+at /m)
  return next
}

describe('regression: port-in-use errors show the npm start -- --port N form', () => {
  it('npm start -- --port <taken> → npm start -- --port N', async () => {
    const r = await run('npm', ['start', '--', '--port', String(port), '--emulator-port', '0'])
    expect(r.code).not.toBe(0)
    await suggested(r.stderr, 'npm start --', '--port')
  })

  it('wxauth dev --port <taken> → wxauth dev --port N', async () => {
    const r = await run(process.execPath, [
      'dist/cli/bin.js',
      'dev',
      '--port',
      String(port),
      '--emulator-port',
      '0',
    ])
    expect(r.code).toBe(1)
    await suggested(r.stderr, 'wxauth dev', '--port')
    expect(r.stdout).toBe('')
  })

  it('wxauth dev --emulator-port <taken> → wxauth dev --emulator-port N', async () => {
    const args = ['dist/cli/bin.js', 'dev', '--port', '0', '--emulator-port', String(port)]
    const r = await run(process.execPath, args)
    expect(r.code).toBe(1)
    await suggested(r.stderr, 'wxauth dev', '--emulator-port')
  })

  it('wxauth emulator --port <taken> → wxauth emulator --port N', async () => {
    const r = await run(process.execPath, ['dist/cli/bin.js', 'emulator', '--port', String(port)])
    expect(r.code).toBe(1)
    await suggested(r.stderr, 'wxauth emulator', '--port')
  })
})
