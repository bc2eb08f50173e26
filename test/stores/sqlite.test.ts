/**
 * The SQLite store on real files in a temp dir, no mocks: the conformance suite (on a controllable
 * clock, and with 4 processes sharing one file), persistence across reopening and across processes,
 * crash safety under SIGKILL, the expired-row sweep, file modes, and its errors.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import Database from 'libsql'
import { afterAll, describe, expect, it } from 'vitest'
import { runStoreConformance } from '../../src/stores/conformance/index.js'
import { openDatabase, SWEEP_EVERY } from '../../src/stores/sqlite/database.js'
import { type DatabaseConstructor, loadLibsql } from '../../src/stores/sqlite/driver.js'
import { type SqliteStore, StoreError, sqliteStore } from '../../src/stores/sqlite/index.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const dir = await mkdtemp(join(tmpdir(), 'wxauth-sqlite-'))

// Child processes run plain Node, which cannot load TypeScript: they import the store bundled
// from src now (never a possibly stale dist/), next to node_modules where it finds libsql.
const cache = join(root, 'node_modules/.cache/wxauth-test')
mkdirSync(cache, { recursive: true })
const bundle = join(cache, `sqlite-store-${process.pid}.mjs`)
await build({
  entryPoints: [join(root, 'src/stores/sqlite/index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
})
const module = pathToFileURL(bundle).href
// Read by workers/sqlite.mjs in the conformance suite's processes. A file not yet created: the 4
// processes race to create it, switch it to WAL and create the table.
process.env.WXAUTH_TEST_SQLITE_MODULE = module
process.env.WXAUTH_TEST_SQLITE_PATH = join(dir, 'processes.db')

let clock = Date.now()
const opened: SqliteStore[] = []
/** A store on `path` whose clock the test moves; closed after all tests. */
function open(path: string, prefix?: string): SqliteStore {
  const store = sqliteStore({ path, now: () => clock, ...(prefix ? { prefix } : {}) })
  opened.push(store)
  return store
}
afterAll(async () => {
  for (const store of opened) await store.close()
  await rm(dir, { recursive: true, force: true })
  await rm(bundle, { force: true })
})

// Every create() opens its own connection to one file, as separate processes of an app would.
runStoreConformance(
  'sqlite store',
  {
    create: ({ prefix }) => open(join(dir, 'conformance.db'), prefix),
    advance: (ms) => {
      clock += ms
    },
    now: () => clock,
    processes: { module: fileURLToPath(new URL('./workers/sqlite.mjs', import.meta.url)) },
  },
  { describe, it, afterAll },
)

/** Raw libsql on the store's file, to look at what the store wrote. */
function inspect<T>(path: string, look: (db: InstanceType<typeof Database>) => T): T {
  const db = new Database(path)
  try {
    return look(db)
  } finally {
    db.close()
  }
}

function rows(path: string): number {
  return inspect(
    path,
    (db) => (db.prepare('SELECT count(*) AS n FROM wxauth_store').get() as { n: number }).n,
  )
}

describe('sqlite store persistence', () => {
  it('keeps values and locks across close and reopen, until they expire', async () => {
    const path = join(dir, 'reopen.db')
    const first = open(path)
    await first.set('session:a', '{"user":1}', 60_000)
    await first.set('tx:short', 'pending', 1_000)
    expect(await first.lock('refresh', 30_000)).toBeDefined()
    await first.close()

    const second = open(path)
    expect(await second.get('session:a')).toBe('{"user":1}')
    expect(await second.get('tx:short')).toBe('pending')
    expect(await second.lock('refresh', 30_000)).toBeUndefined()
    clock += 30_000
    expect(await second.get('tx:short')).toBeUndefined()
    expect(await second.lock('refresh', 30_000)).toBeDefined()
    expect(await second.consume('session:a')).toBe('{"user":1}')
    await second.close()

    expect(await open(path).get('session:a')).toBeUndefined()
  })

  it('reads what a child process wrote before it exited without closing', async () => {
    const path = join(dir, 'child.db')
    const child = writer({ path, mode: 'once', key: 'tx:from-child', value: 'committed' })
    expect(await child.exit).toEqual({ code: 0, signal: null })
    const store = sqliteStore({ path, prefix: 'crash:' })
    opened.push(store)
    expect(await store.get('tx:from-child')).toBe('committed')
  })
})

describe('sqlite store crash safety', () => {
  it('survives SIGKILL at random points: it opens, the last committed value intact', async () => {
    const path = join(dir, 'crash.db')
    let last = 0
    for (let round = 0; round < 50; round++) {
      const report = join(dir, `crash-${round}.txt`)
      const child = writer({ path, mode: 'loop', report })
      // A random point: after a random number of commits, then up to 3 ms more.
      const target = last + 1 + Math.floor(Math.random() * 150)
      await until(() => child.last() >= target || child.exited(), 10_000)
      await new Promise((resolve) => setImmediate(resolve))
      if (Math.random() < 0.5)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
      child.process.kill('SIGKILL')
      expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' })
      expect(child.last()).toBeGreaterThan(last)
      last = child.last()

      expect(inspect(path, (db) => db.prepare('PRAGMA integrity_check').get())).toMatchObject({
        integrity_check: 'ok',
      })
      const store = sqliteStore({ path, prefix: 'crash:' })
      const value = (await store.get('counter')) ?? ''
      await store.close()
      // The child may have committed one more set than it got to report, and never fewer.
      expect(value).toMatch(/^\d+:x*$/)
      const n = Number(value.split(':')[0])
      expect(n).toBeGreaterThanOrEqual(last)
      expect(n).toBeLessThanOrEqual(last + 1)
      last = n
    }
  })
})

describe('sqlite store housekeeping', () => {
  it('sweeps expired rows on writes: a flood of short-lived keys keeps the table small', async () => {
    const path = join(dir, 'flood.db')
    const store = open(path)
    // One new 1-second key every 10 ms: about 100 are live at any time. Sets, locks, then adds.
    const counts: number[] = []
    for (let i = 0; i < 10_000; i++) {
      await store.set(`tx:${i}`, 'pending', 1_000)
      clock += 10
      if (i % 1_000 === 999) counts.push(rows(path))
    }
    expect(await store.get('tx:9999')).toBe('pending')
    expect(await store.get('tx:9901')).toBe('pending')
    for (let i = 0; i < 10_000; i++) {
      expect(await store.lock(`refresh:${i}`, 1_000)).toBeDefined()
      clock += 10
      if (i % 1_000 === 999) counts.push(rows(path))
    }
    for (let i = 0; i < 10_000; i++) {
      expect(await store.add(`code:${i}`, '1', 1_000)).toBe(true)
      clock += 10
      if (i % 1_000 === 999) counts.push(rows(path))
    }
    expect(counts).toHaveLength(30)
    for (const count of counts) expect(count).toBeLessThanOrEqual(100 + SWEEP_EVERY)
  })

  it('creates the database, its WAL and shared-memory files with mode 0600', async () => {
    if (process.platform === 'win32') return
    const path = join(dir, 'mode.db')
    const store = open(path)
    await store.set('k', 'v', 60_000)
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    }
    expect(inspect(path, (db) => db.prepare('PRAGMA journal_mode').get())).toMatchObject({
      journal_mode: 'wal',
    })
  })

  it('keeps values with NUL exactly and distinct, and what wxauth writes as readable text', async () => {
    const path = join(dir, 'text.db')
    const store = open(path)
    const odd = ['\u0000', 'x\u0000', 'x\u0000y', 'x\u0000z', '🙂\u0000🙂']
    for (const [i, text] of odd.entries()) await store.set(`k${i}`, text, 60_000)
    await store.set('tx:plain', 'plain', 60_000)
    for (const [i, text] of odd.entries()) expect(await store.get(`k${i}`)).toBe(text)
    // A swap compares them exactly too: none matches another, each matches itself.
    for (const [i, text] of odd.entries()) {
      for (const other of [...odd, 'x', 'xy', '']) {
        if (other !== text) expect(await store.swap(`k${i}`, other, 'wrong', 60_000)).toBe(false)
      }
      expect(await store.swap(`k${i}`, text, `${text}\u0000`, 60_000)).toBe(true)
      expect(await store.swap(`k${i}`, `${text}\u0000`, text, 60_000)).toBe(true)
    }
    for (const [i, text] of odd.entries()) expect(await store.consume(`k${i}`)).toBe(text)
    const types = inspect(path, (db) =>
      db
        .prepare(
          "SELECT typeof(key) AS k, typeof(value) AS v FROM wxauth_store WHERE key = 'wxauth:tx:plain'",
        )
        .get(),
    )
    expect(types).toMatchObject({ k: 'text', v: 'text' })
  })

  it('a sweep that fails neither fails nor undoes the write that ran it', async () => {
    const path = join(dir, 'sweep-fails.db')
    const store = open(path)
    await store.set('doomed', 'v', 1_000)
    // A trigger that makes every sweep fail, as a broken or busy database would.
    inspect(path, (db) =>
      db.exec(`CREATE TRIGGER no_sweep BEFORE DELETE ON wxauth_store
        WHEN old.key = 'wxauth:doomed' BEGIN SELECT RAISE(ABORT, 'sweep refused'); END`),
    )
    clock += 2_000
    for (let i = 0; i < SWEEP_EVERY * 3; i++) await store.set(`k${i}`, String(i), 60_000)
    for (let i = 0; i < SWEEP_EVERY * 3; i++) {
      expect(await store.lock(`l${i}`, 60_000)).toBeDefined()
    }
    expect(await store.get(`k${SWEEP_EVERY * 3 - 1}`)).toBe(String(SWEEP_EVERY * 3 - 1))
    expect(rows(path)).toBe(1 + SWEEP_EVERY * 6)
    inspect(path, (db) => db.exec('DROP TRIGGER no_sweep'))
    for (let i = 0; i < SWEEP_EVERY; i++) await store.set('again', String(i), 60_000)
    expect(rows(path)).toBe(SWEEP_EVERY * 6 + 1)
    expect(
      inspect(path, (db) =>
        db.prepare("SELECT count(*) AS n FROM wxauth_store WHERE key = 'wxauth:doomed'").get(),
      ),
    ).toMatchObject({ n: 0 })
  })
})

describe('sqlite store errors', () => {
  it('times out with STORE_TIMEOUT while another connection writes; reads go on', async () => {
    const path = join(dir, 'busy.db')
    const store = sqliteStore({ path, timeout: 50 })
    opened.push(store)
    await store.set('k', 'before', 60_000)
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    try {
      const started = Date.now()
      const error = await store.set('k', 'after', 60_000).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'STORE_TIMEOUT', operation: 'set' })
      expect(Date.now() - started).toBeGreaterThanOrEqual(40)
      expect(await store.get('k')).toBe('before')
      await expect(store.swap('k', 'before', 'swapped', 60_000)).rejects.toMatchObject({
        code: 'STORE_TIMEOUT',
        operation: 'swap',
      })
      expect(await store.get('k')).toBe('before')
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    await store.set('k', 'after', 60_000)
    expect(await store.get('k')).toBe('after')
    expect(await store.swap('k', 'after', 'swapped', 60_000)).toBe(true)
    expect(await store.get('k')).toBe('swapped')
  })

  // libsql leaves a statement that failed busy in progress, and then the connection's later
  // writes stayed uncommitted, held the lock against everyone else, and were rolled back when
  // that statement ran again: a write reported done was lost, and two processes won one add.
  it('a write that timed out leaves the connection sound: later writes commit at once', async () => {
    const path = join(dir, 'busy-then.db')
    const store = sqliteStore({ path, timeout: 50 })
    opened.push(store)
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    try {
      await expect(store.add('x', 'v', 60_000)).rejects.toMatchObject({
        code: 'STORE_TIMEOUT',
        operation: 'add',
      })
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    await store.set('after', 'committed', 60_000)
    expect(await store.lock('l', 60_000)).toBeDefined()
    expect(await store.add('x', 'v', 60_000)).toBe(true)
    const seen = inspect(path, (db) => {
      db.exec('PRAGMA busy_timeout = 50')
      db.exec("INSERT INTO wxauth_store VALUES ('probe', 'v', 0)")
      return db.prepare("SELECT value FROM wxauth_store WHERE key = 'wxauth:after'").get()
    })
    expect(seen).toMatchObject({ value: 'committed' })
  })

  it('a sweep skipped while another connection writes leaves the connection sound', () => {
    const path = join(dir, 'sweep-busy.db')
    const connection = openDatabase(path, 'wxauth_store', 500)
    try {
      const other = new Database(path)
      other.exec('BEGIN IMMEDIATE')
      try {
        expect(() => connection.sweep(Date.now())).toThrow(
          expect.objectContaining({ code: 'SQLITE_BUSY' }),
        )
      } finally {
        other.exec('ROLLBACK')
        other.close()
      }
      connection.write(() =>
        connection.statements.set.run(['wxauth:after', 'committed', Date.now() + 60_000]),
      )
      const seen = inspect(path, (db) => {
        db.exec('PRAGMA busy_timeout = 50')
        db.exec("INSERT INTO wxauth_store VALUES ('probe', 'v', 0)")
        return db.prepare("SELECT value FROM wxauth_store WHERE key = 'wxauth:after'").get()
      })
      expect(seen).toMatchObject({ value: 'committed' })
    } finally {
      connection.close()
    }
  })

  it('rejects every operation after close(), which can be called twice', async () => {
    const store = sqliteStore({ path: ':memory:' })
    await store.set('k', 'v', 60_000)
    const lock = await store.lock('l', 60_000)
    await store.close()
    await store.close()
    await expect(store.get('k')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      operation: 'get',
    })
    await expect(store.swap('k', 'v', 'w', 60_000)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      operation: 'swap',
    })
    await expect(lock?.release()).rejects.toBeInstanceOf(StoreError)
  })

  it('says to install libsql when it is missing', () => {
    const elsewhere = createRequire(join(dir, 'no-node-modules-here.mjs'))
    expect(() => loadLibsql(elsewhere)).toThrow(
      expect.objectContaining({
        name: 'StoreError',
        code: 'STORE_UNAVAILABLE',
        message: expect.stringContaining('npm install libsql'),
      }),
    )
    // The structural types match the real package.
    const real: DatabaseConstructor = Database
    expect(loadLibsql()).toBe(real)
  })

  it('rejects bad options with a TypeError', () => {
    const bad = [
      {},
      { path: '' },
      { path: ':memory:', prefix: '' },
      { path: ':memory:', prefix: 'app' },
      { path: ':memory:', prefix: 'app:\u0000lock:' },
      { path: ':memory:', prefix: `${'p'.repeat(64)}:` },
      { path: ':memory:', table: 'store; DROP TABLE x' },
      { path: ':memory:', timeout: -1 },
    ]
    for (const options of bad) {
      expect(() => sqliteStore(options as { path: string })).toThrow(TypeError)
    }
  })

  it('fails to open with STORE_UNAVAILABLE when the file cannot be created', () => {
    expect(() => sqliteStore({ path: join(dir, 'missing', 'dir', 'x.db') })).toThrow(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE', operation: 'open' }),
    )
  })
})

interface Writer {
  process: ChildProcess
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The last number the child reported committed, in its `report` file. */
  last(): number
  exited(): boolean
}

function writer(options: {
  path: string
  mode: 'once' | 'loop'
  key?: string
  value?: string
  report?: string
}): Writer {
  const script = fileURLToPath(new URL('./workers/sqlite-writer.mjs', import.meta.url))
  const child = spawn(process.execPath, [script, JSON.stringify({ module, ...options })], {
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let stderr = ''
  let done = false
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      done = true
      if (stderr) console.error(stderr)
      resolve({ code, signal })
    })
  })
  return {
    process: child,
    exit,
    exited: () => done,
    last: () => {
      if (!options.report || !existsSync(options.report)) return 0
      const lines = readFileSync(options.report, 'utf8').split('\n')
      return Number(lines[lines.length - 2] ?? '0')
    },
  }
}

async function until(condition: () => boolean, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}
