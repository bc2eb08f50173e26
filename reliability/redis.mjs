// A dedicated redis-server for the load-and-chaos run, kept by this small Node process so that it
// goes away with the run even when the run itself is killed: the parent's IPC channel closing takes
// redis-server down (SIGKILL) and this process with it. Loopback only, a free port, no persistence
// (`--save "" --appendonly no`): a restart loses every key, which is the point. Never the machine's
// Redis on 6379.
//
// Spoken to with bench/lib/emulator.mjs's startService protocol: `{ type: 'ready', url, pid }`
// first, then `{ id, op }` → `{ id, ok, value }` for `stop` (SIGKILL, resolves the wall time it
// was gone) and `start` (the same port again, resolves the wall time it answered PING).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports.mjs'

const READY_TIMEOUT = 5_000
const port = await freePort()
// Its working directory: with persistence off nothing should be written, but never into the repo.
const dir = mkdtempSync(join(tmpdir(), 'wxauth-chaos-redis-'))
/** @type {import('node:child_process').ChildProcess | undefined} */
let server

/** Whether redis-server answers PING on the port now. */
function pong() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}

async function start() {
  if (server) throw new Error('redis-server is already running')
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--dir', dir, '--protected-mode', 'yes', '--loglevel', 'warning'],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  server = child
  child.once('exit', () => {
    if (server === child) server = undefined
  })
  const deadline = Date.now() + READY_TIMEOUT
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`)
    if (await pong()) return Date.now()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT} ms`)
}

async function stop() {
  const child = server
  if (!child) throw new Error('redis-server is not running')
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
  return Date.now()
}

function quit() {
  server?.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

const ops = { start, stop }
process.on('message', async ({ id, op } = {}) => {
  if (typeof id !== 'number') return
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown op ${op}`)
    process.send?.({ id, ok: true, value: await ops[op]() })
  } catch (error) {
    process.send?.({ id, ok: false, error: String(error?.message ?? error) })
  }
})
process.on('disconnect', quit)
process.on('SIGTERM', quit)

await start()
process.send?.({ type: 'ready', url: `redis://127.0.0.1:${port}`, pid: process.pid, port })
