// Processes of the login benchmark: the emulator, a contender's server and the load generator,
// each a child with IPC; the server's memory (VmRSS) and CPU time read from /proc while it is
// under load. Every child exits when this process goes away, and every wait is bounded.
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'

const here = new URL('.', import.meta.url)
const READY_TIMEOUT = 30_000
// Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux for every common arch).
const TICKS = 100

/** Forks `file` (relative to bench/logins/) and waits for its `{ ready }` message. */
export async function start(file, { env = {}, execArgv = [] } = {}) {
  const child = fork(new URL(file, here), [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${file} was not ready within ${READY_TIMEOUT / 1000} s`))
    }, READY_TIMEOUT)
    child.once('message', (message) => {
      clearTimeout(timer)
      resolve(message)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${file} exited (${signal ?? code}) before it was ready: ${stderr.trim()}`))
    })
  })
  return {
    child,
    info,
    pid: child.pid,
    stderr: () => stderr,
    /** Stops the child (it also exits on its own when the IPC channel closes) and waits for it. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.disconnect?.()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Runs the load generator in its own process; resolves its result. Bounded by the duration. */
export async function load(options) {
  const child = fork(new URL('generator.mjs', here), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  try {
    return await new Promise((resolve, reject) => {
      const limit = (options.durationMs ?? 5_000) + 3 * (options.timeoutMs ?? 10_000)
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the load generator did not finish within ${limit / 1000} s`))
      }, limit)
      child.once('message', (message) => {
        clearTimeout(timer)
        if (message.error) reject(new Error(message.error))
        else resolve(message.result)
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the load generator exited (${code}) without a result`))
      })
      child.send(options)
    })
  } finally {
    if (child.exitCode === null) child.kill()
  }
}

/** Resident memory of a process, in bytes (VmRSS of /proc/<pid>/status). */
export function rssOf(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : Number.NaN
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces, in parentheses): utime is the 12th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS
}

/** Samples a process's RSS every `everyMs` until stopped; resolves the peak and the samples. */
export function sampleRss(pid, everyMs = 200) {
  const samples = []
  const take = () => {
    try {
      samples.push(rssOf(pid))
    } catch {
      // The process has gone: the samples so far stand.
    }
  }
  take()
  const timer = setInterval(take, everyMs)
  return () => {
    clearInterval(timer)
    take()
    return { peak: Math.max(...samples), samples }
  }
}

/** Resets the emulator (codes, tokens, log) and sets auto-approve again, over its HTTP API. */
export async function resetEmulator(url, user = 'zhangsan') {
  for (const [path, body] of [
    ['reset', {}],
    ['auto-approve', { user }],
  ]) {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    })
    if (!response.ok)
      throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`)
  }
}
