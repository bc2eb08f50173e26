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

// Runs in each child: says it is ready, waits for the parent's go (so that all children race at
// once), then adds every key (or swaps it from the value the parent seeded), in an order of its
// own with a few in flight, each with a value naming this process, and prints the keys it wrote.
// Without an atomic add (or swap) across processes, two children write one key. With a limit, it
// admits a key of its own for each instead: without an atomic count, more than the limit win.
const ADD_WORKER = `
const { module, prefix, keys, id, from, limit } = JSON.parse(process.argv[1])
const made = await (await import(module)).default({ prefix })
const { store } = made
const order = Array.from({ length: keys }, (_, k) => k)
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1))
  ;[order[i], order[j]] = [order[j], order[i]]
}
const added = []
let next = 0
const adder = async () => {
  while (next < order.length) {
    const k = order[next++]
    const key = 'code:' + k
    const value = 'process-' + id
    const won = limit !== undefined
      ? await store.admit(key + ':' + id, value, 120000, limit)
      : from === undefined
        ? await store.add(key, value, 120000)
        : await store.swap(key, from, value, 120000)
    if (won) added.push(k)
  }
}
process.stdout.write('ready\\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
await Promise.all(Array.from({ length: 4 }, adder))
process.stdout.write(JSON.stringify(added) + '\\n')
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

/** Outcome of {@link runAddProcesses} and {@link runSwapProcesses}, by key number. @internal */
export interface AddProcessesResult {
  /** For each key, the processes (by number) whose `add` (or `swap`) of it resolved `true`. */
  winners: number[][]
  /** For each key, its value read back afterwards through a store in this process. */
  values: (string | undefined)[]
}

/**
 * Starts `processes` Node processes that, once all are ready, each add the same `keys` keys with a
 * value naming the process; waits for all, and reads the keys back through a store in this
 * process. @internal
 */
export async function runAddProcesses(options: {
  module: string
  prefix: string
  processes: number
  keys: number
  timeout?: number
}): Promise<AddProcessesResult> {
  return raceProcesses(options, undefined)
}

/**
 * Like {@link runAddProcesses}, with `swap` instead of `add`: first sets the keys to `from`
 * through a store in this process, then each process swaps each key from `from` to a value
 * naming the process. @internal
 */
export async function runSwapProcesses(options: {
  module: string
  prefix: string
  processes: number
  keys: number
  from: string
  timeout?: number
}): Promise<AddProcessesResult> {
  return raceProcesses(options, options.from)
}

/**
 * Like {@link runAddProcesses}, with `admit` of a key of each process's own (`code:<k>:<process>`)
 * under one `limit`: `winners` says which processes had key `k` admitted. @internal
 */
export async function runAdmitProcesses(options: {
  module: string
  prefix: string
  processes: number
  keys: number
  limit: number
  timeout?: number
}): Promise<Pick<AddProcessesResult, 'winners'>> {
  return raceProcesses(options, undefined, options.limit)
}

async function raceProcesses(
  options: { module: string; prefix: string; processes: number; keys: number; timeout?: number },
  from: string | undefined,
  limit?: number,
): Promise<AddProcessesResult> {
  const module = isAbsolute(options.module) ? pathToFileURL(options.module).href : options.module
  const { prefix, keys } = options
  if (from !== undefined) {
    const made = await (await import(module)).default({ prefix })
    try {
      for (let k = 0; k < keys; k++) await made.store.set(`code:${k}`, from, 120_000)
    } finally {
      await made.close?.()
    }
  }
  const children = Array.from({ length: options.processes }, (_, id) =>
    startChild(
      [
        '--input-type=module',
        '-e',
        ADD_WORKER,
        JSON.stringify({ module, prefix, keys, id, from, limit }),
      ],
      options.timeout ?? 60_000,
    ),
  )
  try {
    await Promise.all(children.map((child) => child.ready))
    for (const child of children) child.go()
    const outputs = await Promise.all(children.map((child) => child.exit))
    const winners: number[][] = Array.from({ length: keys }, () => [])
    for (const [id, output] of outputs.entries()) {
      const added = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as number[]
      for (const k of added) winners[k]?.push(id)
    }
    const made = await (await import(module)).default({ prefix })
    try {
      const values: (string | undefined)[] = []
      for (let k = 0; k < keys; k++) values.push(await made.store.get(`code:${k}`))
      return { winners, values }
    } finally {
      await made.close?.()
    }
  } finally {
    for (const child of children) child.kill()
  }
}

function runChild(args: string[], timeout: number): Promise<void> {
  return startChild(args, timeout).exit.then(() => undefined)
}

interface Child {
  /** Resolves once the child printed its first line (the add worker's `ready`). */
  ready: Promise<void>
  /** Tells a ready child to go on. */
  go(): void
  /** Resolves with the child's output once it exited with 0; rejects otherwise. */
  exit: Promise<string>
  /** Kills the child if it is still running. */
  kill(): void
}

function startChild(args: string[], timeout: number): Child {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let exited = false
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  child.stdin.on('error', () => {})
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (stdout.includes('\n')) onReady()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  const exit = new Promise<string>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      exited = true
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`worker exited with ${signal ?? code}: ${stderr.trim()}`))
    })
  })
  // A child that fails before it is ready fails `ready` too, through `exit`.
  const readyOrFailed = Promise.race([ready, exit.then(() => undefined)])
  exit.catch(() => {})
  return {
    ready: readyOrFailed,
    go: () => child.stdin.end('go\n'),
    exit,
    kill: () => {
      if (!exited) child.kill('SIGKILL')
    },
  }
}
