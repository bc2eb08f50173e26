import { spawn } from 'node:child_process'
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'

// Runs in each child: takes the lock, reads the counter, yields, writes counter + 1, releases.
// Without mutual exclusion across processes, increments are lost and the final count falls short.
const WORKER = `
const { module, prefix, rounds, id } = JSON.parse(process.argv[1])
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const made = await (await import(module)).default({ prefix })
const { store } = made
let done = 0
while (done < rounds) {
  const lock = await store.lock('conformance-lock', 10000)
  if (!lock) { await sleep(1 + Math.random() * 4); continue }
  const value = Number((await store.get('counter')) ?? '0')
  await sleep(2)
  await store.set('counter', String(value + 1), 120000)
  if (!(await lock.release())) { console.error('worker ' + id + ' lost its lock'); process.exit(3) }
  done++
}
await made.close?.()
process.exit(0)
`

/** Outcome of {@link runLockProcesses}. @internal */
export interface LockProcessesResult {
  counter: number
  expected: number
}

/**
 * Starts `processes` Node processes that each increment a shared counter `rounds` times under the
 * store's lock, waits for all, and reads the counter back through a store in this process.
 * @internal
 */
export async function runLockProcesses(options: {
  module: string
  prefix: string
  processes: number
  rounds: number
  timeout?: number
}): Promise<LockProcessesResult> {
  const module = isAbsolute(options.module) ? pathToFileURL(options.module).href : options.module
  const { prefix, rounds } = options
  const children = Array.from({ length: options.processes }, (_, id) =>
    runChild(
      ['--input-type=module', '-e', WORKER, JSON.stringify({ module, prefix, rounds, id })],
      options.timeout ?? 60_000,
    ),
  )
  await Promise.all(children)
  const made = await (await import(module)).default({ prefix })
  try {
    const counter = Number(await made.store.get('counter'))
    return { counter, expected: options.processes * rounds }
  } finally {
    await made.close?.()
  }
}

function runChild(args: string[], timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`lock worker exited with ${signal ?? code}: ${stderr.trim()}`))
    })
  })
}
