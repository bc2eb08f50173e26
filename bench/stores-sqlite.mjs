// Throughput of the SQLite store beside raw libsql running the same statements on the same kind of
// file (WAL, synchronous=NORMAL, busy_timeout), one operation at a time: libsql is synchronous, so
// the difference is the store's own work (validation, prefixing, the async API). Like the store,
// raw libsql writes in BEGIN IMMEDIATE ... COMMIT: where processes share the file, a statement that
// waits for the lock itself can fail busy, and libsql then leaves it in progress, which breaks the
// connection's later writes (tursodatabase/libsql-js#228). Run `npm run build` first, then:
//   node bench/stores-sqlite.mjs
// Options (env): COUNT operations per round (20000), ROUNDS (5).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const { sqliteStore } = await import('wxauth/sqlite').catch(
  () => import('../dist/stores/sqlite/index.js'),
)
const Database = createRequire(import.meta.url)('libsql')

const COUNT = Number(process.env.COUNT ?? 20_000)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const BUDGET = 120_000
const TTL = 60_000
const MINIMUM = 0.5
const SWEEP_EVERY = 8
const SWEEP_BATCH = 32
let writes = 0

const dir = mkdtempSync(join(tmpdir(), 'wxauth-bench-sqlite-'))
const store = sqliteStore({ path: join(dir, 'store.db'), prefix: 'bench:' })

const db = new Database(join(dir, 'raw.db'))
db.exec('PRAGMA busy_timeout = 500')
db.exec('PRAGMA journal_mode = WAL')
db.exec('PRAGMA synchronous = NORMAL')
db.exec(`CREATE TABLE t (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL,
  expires_at INTEGER NOT NULL)`)
db.exec('CREATE INDEX t_expires_at ON t (expires_at)')
const upsert = `INSERT INTO t (key, value, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`
const sql = {
  set: db.prepare(upsert),
  get: db.prepare('SELECT value FROM t WHERE key = ? AND expires_at > ?'),
  consume: db.prepare('DELETE FROM t WHERE key = ? AND expires_at > ? RETURNING value'),
  add: db.prepare(`${upsert} WHERE t.expires_at <= ?`),
  delete: db.prepare('DELETE FROM t WHERE key = ?'),
  lock: db.prepare(`${upsert} WHERE t.expires_at <= ?`),
  release: db.prepare('DELETE FROM t WHERE key = ? AND value = ? AND expires_at > ?'),
  sweep: db.prepare(
    `DELETE FROM t WHERE rowid IN (SELECT rowid FROM t WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`,
  ),
}

const keys = Array.from({ length: COUNT }, (_, i) => `tx:${i}`)
const value = JSON.stringify({ appId: 'wx0123456789abcdef', redirectUri: 'https://example.com/cb' })
const deadline = Date.now() + BUDGET

/** Runs `op(i)` for i in [0, COUNT), one at a time; resolves ops per second. */
async function measure(op) {
  const started = performance.now()
  for (let i = 0; i < COUNT; i++) await op(i)
  return COUNT / ((performance.now() - started) / 1000)
}

/** Runs `work` in a transaction that takes the write lock first, as the store does. */
const write = (work) => {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}

const sweep = (now) => {
  if (++writes % SWEEP_EVERY === 0) write(() => sql.sweep.run([now]))
}

const rawSet = (key) => {
  const now = Date.now()
  write(() => sql.set.run([key, value, now + TTL]))
  sweep(now)
}

const cases = [
  {
    name: 'set',
    store: () => measure((i) => store.set(keys[i], value, TTL)),
    raw: () => measure((i) => rawSet(`bench:${keys[i]}`)),
  },
  {
    name: 'get',
    store: () => measure((i) => store.get(keys[i])),
    raw: () => measure((i) => sql.get.get([`bench:${keys[i]}`, Date.now()])),
  },
  {
    name: 'consume',
    store: async () => {
      for (const key of keys) await store.set(key, value, TTL)
      return measure((i) => store.consume(keys[i]))
    },
    raw: async () => {
      for (const key of keys) rawSet(`bench:${key}`)
      return measure((i) => write(() => sql.consume.get([`bench:${keys[i]}`, Date.now()])))
    },
  },
  {
    // Into absent keys: each round deletes them first.
    name: 'add',
    store: async () => {
      for (const key of keys) await store.delete(`add:${key}`)
      return measure((i) => store.add(`add:${keys[i]}`, value, TTL))
    },
    raw: async () => {
      for (const key of keys) write(() => sql.delete.run([`bench:add:${key}`]))
      return measure((i) => {
        const now = Date.now()
        const added = write(
          () => sql.add.run([`bench:add:${keys[i]}`, value, now + TTL, now]).changes === 1,
        )
        sweep(now)
        return added
      })
    },
  },
  {
    name: 'lock+release',
    store: () =>
      measure(async (i) => {
        const lock = await store.lock(keys[i], TTL)
        await lock.release()
      }),
    raw: () =>
      measure((i) => {
        const now = Date.now()
        const token = crypto.randomUUID()
        const name = `bench:\u0000lock:${keys[i]}`
        write(() => sql.lock.run([name, token, now + TTL, now]))
        sweep(now)
        write(() => sql.release.run([name, token, Date.now()]))
      }),
  },
]

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const rows = []
try {
  for (const c of cases) {
    await c.store() // warm-up, and fills the keys that get reads
    await c.raw()
    const results = { store: [], raw: [] }
    for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
      // Alternate the order so drift during a run does not favour either side.
      const order = round % 2 === 0 ? ['store', 'raw'] : ['raw', 'store']
      for (const side of order) results[side].push(await c[side]())
    }
    const mine = median(results.store)
    const baseline = median(results.raw)
    rows.push({ operation: c.name, store: mine, raw: baseline, ratio: mine / baseline })
  }
} finally {
  await store.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(10)
console.log(
  `SQLite store vs raw libsql — file in ${tmpdir()}, WAL, ${COUNT} ops/round, median of ${ROUNDS} rounds, Node ${process.version}`,
)
console.log(
  `${'operation'.padEnd(14)} ${'store ops/s'.padStart(12)} ${'raw ops/s'.padStart(12)}  ratio`,
)
for (const row of rows) {
  const flag = row.ratio < MINIMUM ? `  < ${MINIMUM}` : ''
  console.log(
    `${row.operation.padEnd(14)} ${fmt(row.store).padStart(12)} ${fmt(row.raw).padStart(12)}  ${row.ratio.toFixed(2)}${flag}`,
  )
}
process.exitCode = rows.every((row) => row.ratio >= MINIMUM) ? 0 : 1
