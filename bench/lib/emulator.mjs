// Servers for the load to hit, each in a child process of its own (so that client and server do
// not share a core), spoken to over IPC: the emulator, and a stub upstream with canned answers.
import { execFileSync, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = (file) => fileURLToPath(new URL(file, import.meta.url))

/**
 * The wxauth emulator on 127.0.0.1 in a child process (./emulator-server.mjs). `call('codes',
 * { appId, users, count })` pre-issues codes in that process; `call('cpu')` is its cpuUsage().
 * @param {object} [options] createEmulator options, plus `autoApprove: user`.
 */
export function startEmulator(options = {}) {
  return startService(here('./emulator-server.mjs'), [JSON.stringify(options)])
}

/**
 * A minimal node:http upstream on 127.0.0.1 answering access_token and userinfo with canned,
 * WeChat-shaped JSON (./stub-upstream.mjs): the client's own cost, without the emulator's.
 */
export function startStubUpstream() {
  return startService(here('./stub-upstream.mjs'), [])
}

/**
 * Forks `file`, waits for its `{ type: 'ready', url, pid }` message, and returns its URL, an
 * RPC `call(op, args)`, and `close()` (disconnects; killed after 3 s).
 * @returns {Promise<{ url: string, pid: number, call: (op: string, args?: object) => Promise<any>,
 *   close: () => Promise<void> }>}
 */
export async function startService(file, args, { execArgv = [] } = {}) {
  const child = fork(file, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  })
  const pending = new Map()
  let nextId = 1
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 15 s`)), 15_000)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before ready`)))
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer)
        resolve(message)
        return
      }
      const waiter = pending.get(message?.id)
      if (!waiter) return
      pending.delete(message.id)
      if (message.ok) waiter.resolve(message.value)
      else waiter.reject(new Error(message.error))
    })
  })
  let info
  try {
    info = await ready
  } catch (error) {
    child.kill()
    throw error
  }
  child.removeAllListeners('exit')
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${file} exited`))
    pending.clear()
  })
  return {
    url: info.url,
    pid: info.pid,
    call(op, args) {
      return new Promise((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        child.send({ id, op, args })
      })
    },
    close() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 3_000)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.disconnect()
      })
    },
  }
}

/**
 * Pins every thread of process `pid` to the CPUs `cpus` (e.g. '1') with taskset, when there is one
 * and the machine has 2+ cores. Returns the previous CPU list, to restore it, or undefined.
 */
export function pin(pid, cpus) {
  try {
    const before = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' })
    const previous = before.trim().split(':').at(-1).trim()
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' })
    return previous
  } catch {
    return undefined
  }
}
