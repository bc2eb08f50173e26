import { closeSync, openSync } from 'node:fs'
import { STORE_UNAVAILABLE, StoreError } from '../errors.js'
import { type Database, loadLibsql, type Statement, sqliteFailure } from './driver.js'

/**
 * The prepared statements of one store, each a single atomic SQLite statement. Those that write
 * run inside {@link Connection.write}. @internal
 */
export interface Statements {
  /** `[key, value, expiresAt]` */
  set: Statement
  /** `[key, value, expiresAt, now]`; one change when stored (the key was absent or expired) */
  add: Statement
  /**
   * `[value, expiresAt, key, expected, now]`; one change when replaced (the key held `expected`
   * and was live)
   */
  swap: Statement
  /** `[key, now]` → `{ value }` */
  get: Statement
  /** `[key, now]` → `{ value }`, deleting the row in the same statement */
  consume: Statement
  /** `[key]` */
  delete: Statement
  /** `[key, token, expiresAt, now]`; one change when taken */
  lock: Statement
  /** `[key, token, now]`; one change when released */
  release: Statement
  /** `[now]`: deletes up to {@link SWEEP_BATCH} expired rows */
  sweep: Statement
  /** `[prefix, now]`: deletes the admissions no longer counted */
  admissionsEnded: Statement
  /** `[prefix]` → `{ count }`, the admissions counted */
  admissionsCount: Statement
  /** `[prefix, countsUntil]`: one more admission */
  admission: Statement
  /** `[prefix, count]` */
  admissionsCounted: Statement
}

/** An open database with the store's table and statements. @internal */
export interface Connection {
  statements: Statements
  /**
   * Runs `work`, which writes with the statements, in a transaction that holds the write lock
   * from the start, and commits it; rolls back and throws when anything fails. @internal
   */
  write<T>(work: () => T): T
  /**
   * Deletes up to {@link SWEEP_BATCH} rows expired at `now`, without waiting for another
   * connection's write: a busy database skips the sweep instead (throwing). @internal
   */
  sweep(now: number): void
  close(): void
}

/**
 * Every `SWEEP_EVERY` writes, up to `SWEEP_BATCH` expired rows are deleted: more than one per
 * write on average, so expired rows cannot pile up, at a fraction of a statement per write.
 * @internal
 */
export const SWEEP_EVERY = 8
/** @internal */
export const SWEEP_BATCH = 32
/** Longest wait for other processes while opening the database (WAL switch, schema), in ms. */
const OPEN_TIMEOUT = 10_000

/**
 * Opens (creating if need be) the database at `path` for the store: WAL, `busy_timeout`,
 * `synchronous=NORMAL`, the table and its expiry index, and the statements prepared once.
 * @internal
 */
export function openDatabase(path: string, table: string, timeout: number): Connection {
  const Database = loadLibsql()
  if (path !== ':memory:') createPrivateFile(path)
  let db: Database
  try {
    db = new Database(path)
  } catch (cause) {
    throw sqliteFailure('open', cause)
  }
  try {
    // First, so that switching to WAL and creating the table wait for other processes. Opening
    // happens once, at start-up, when several processes often open the same new file together:
    // it may wait longer than one operation does.
    db.exec(`PRAGMA busy_timeout = ${Math.max(timeout, OPEN_TIMEOUT)}`)
    // WAL lets readers run beside a writer; with it, NORMAL loses no committed write when the
    // process crashes (only, at worst, the last ones when the machine loses power).
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
    const t = `"${table}"`
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${t} (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
    )
    db.exec(`CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON ${t} (expires_at)`)
    // Admissions (see Store.admit), one row each, and their count per prefix: counting the rows
    // on every admission would cost as many steps as there are.
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${table}_admissions" (
        prefix TEXT NOT NULL,
        ends_at INTEGER NOT NULL
      )`,
    )
    db.exec(
      `CREATE INDEX IF NOT EXISTS "${table}_admissions_ends_at" ON "${table}_admissions" (prefix, ends_at)`,
    )
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${table}_admitted" (
        prefix TEXT PRIMARY KEY NOT NULL,
        count INTEGER NOT NULL
      )`,
    )
    db.exec(`PRAGMA busy_timeout = ${timeout}`)
    const statements = prepare(db, t, table)
    // libsql leaves a prepared statement that failed with SQLITE_BUSY in progress: it resets a
    // statement only before running it again (tursodatabase/libsql-js#228). Until then, every later
    // write on the connection stays uncommitted, holds the write lock against other processes, and
    // is rolled back when that statement next runs: a write reported done is lost, and two
    // processes can both win one `add` or `lock`. So no prepared statement ever waits for the lock:
    // each write first takes it with BEGIN IMMEDIATE through exec(), whose statement is finalized
    // even when it fails, and a statement run while the lock is held cannot fail busy.
    const committed = <T>(work: () => T): T => {
      try {
        const result = work()
        db.exec('COMMIT')
        return result
      } catch (cause) {
        try {
          db.exec('ROLLBACK')
        } catch {
          // No transaction left to roll back.
        }
        throw cause
      }
    }
    return {
      statements,
      write: (work) => {
        db.exec('BEGIN IMMEDIATE')
        return committed(work)
      },
      sweep: (now) => {
        db.exec('PRAGMA busy_timeout = 0')
        try {
          db.exec('BEGIN IMMEDIATE')
        } finally {
          db.exec(`PRAGMA busy_timeout = ${timeout}`)
        }
        committed(() => statements.sweep.run([now]))
      },
      close: () => db.close(),
    }
  } catch (cause) {
    db.close()
    throw sqliteFailure('open', cause)
  }
}

function prepare(db: Database, t: string, table: string): Statements {
  const admissions = `"${table}_admissions"`
  const admitted = `"${table}_admitted"`
  const upsert = `INSERT INTO ${t} (key, value, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`
  // Writes the row only when absent or expired: the WHERE of an upsert's update, atomically (it
  // runs in Connection.write, which holds the write lock from before the row is read).
  const ifExpired = `${upsert} WHERE ${t}.expires_at <= ?`
  return {
    set: db.prepare(upsert),
    add: db.prepare(ifExpired),
    // Compares and writes in one statement, which runs in Connection.write like the others.
    swap: db.prepare(
      `UPDATE ${t} SET value = ?, expires_at = ? WHERE key = ? AND value = ? AND expires_at > ?`,
    ),
    get: db.prepare(`SELECT value FROM ${t} WHERE key = ? AND expires_at > ?`),
    consume: db.prepare(`DELETE FROM ${t} WHERE key = ? AND expires_at > ? RETURNING value`),
    delete: db.prepare(`DELETE FROM ${t} WHERE key = ?`),
    lock: db.prepare(ifExpired),
    release: db.prepare(`DELETE FROM ${t} WHERE key = ? AND value = ? AND expires_at > ?`),
    sweep: db.prepare(
      `DELETE FROM ${t} WHERE rowid IN
        (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`,
    ),
    admissionsEnded: db.prepare(`DELETE FROM ${admissions} WHERE prefix = ? AND ends_at <= ?`),
    admissionsCount: db.prepare(`SELECT count FROM ${admitted} WHERE prefix = ?`),
    admission: db.prepare(`INSERT INTO ${admissions} (prefix, ends_at) VALUES (?, ?)`),
    admissionsCounted: db.prepare(
      `INSERT INTO ${admitted} (prefix, count) VALUES (?, ?)
        ON CONFLICT (prefix) DO UPDATE SET count = excluded.count`,
    ),
  }
}

// SQLite creates files with mode 0644; created first, the database (which may hold sealed tokens)
// is its owner's alone, and SQLite gives the -wal and -shm files the database file's mode.
// An existing file keeps its mode.
function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'a', 0o600))
  } catch (cause) {
    throw new StoreError(`SQLite store cannot create or open the database file ${path}`, {
      code: STORE_UNAVAILABLE,
      operation: 'open',
      cause,
    })
  }
}
