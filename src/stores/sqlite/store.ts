import { invalidArgument } from '../../client/errors.js'
import {
  checkKey,
  checkLimit,
  checkPrefix,
  checkTtl,
  checkValue,
  LOCK_SEPARATOR,
} from '../arguments.js'
import { STORE_UNAVAILABLE, StoreError } from '../errors.js'
import type { Lock, Store } from '../store.js'
import { openDatabase, SWEEP_EVERY } from './database.js'
import { sqliteFailure } from './driver.js'
import { fromSql, toSql } from './text.js'

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file, created with mode 0600 when absent; `':memory:'` for a private one. */
  path: string
  /**
   * Namespace of every key the store writes: 1 to 64 characters without control characters,
   * ending with `:`. Default `'wxauth:'`.
   */
  prefix?: string
  /** The table, created when absent: letters, digits and `_`. Default `'wxauth_store'`. */
  table?: string
  /**
   * Longest wait for another process's write to finish, in ms (SQLite's `busy_timeout`). Default
   * `500`. libsql is synchronous: while an operation waits for another process's write, the
   * event loop of this process is blocked, for up to `timeout` ms. Keep it short where processes
   * contend for the file; an operation that waits longer rejects with `STORE_TIMEOUT`. Opening
   * the database (once, at start-up, often by several processes together) waits up to 10 s.
   */
  timeout?: number
  /** The clock, in ms since the epoch. Default `Date.now`; tests pass their own. */
  now?: () => number
}

/** A {@link Store} in a SQLite file, with extras. */
export interface SqliteStore extends Store {
  /** The namespace of every key the store writes. */
  readonly prefix: string
  /** Closes the database; the store rejects every operation afterwards. Closing twice is fine. */
  close(): Promise<void>
}

const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * A {@link Store} in a SQLite database file, for an app on one machine that keeps its logins and
 * sessions across restarts. Several processes may share the file: `add`, `swap`, `consume` and
 * `lock` are single atomic statements across all of them. Expired rows are deleted in small
 * batches as writes go on, so a flood of logins that never come back does not grow the file.
 * Needs the `libsql` package.
 *
 * @throws {@link StoreError} `STORE_UNAVAILABLE` when libsql is missing or the file cannot be
 * opened; operations reject with `STORE_TIMEOUT` when another process holds the database longer
 * than `timeout`.
 *
 * @example
 * const store = sqliteStore({ path: '/var/lib/myapp/wxauth.db' })
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('sqliteStore() needs an options object with a path')
  }
  const {
    path,
    prefix = 'wxauth:',
    table = 'wxauth_store',
    timeout = 500,
    now = Date.now,
  } = options
  if (typeof path !== 'string' || path === '') {
    throw invalidArgument('path must be a file path or ":memory:"')
  }
  checkPrefix(prefix)
  if (typeof table !== 'string' || !TABLE.test(table)) {
    throw invalidArgument('table must be 1 to 63 letters, digits or _, not starting with a digit')
  }
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 2_147_483_647) {
    throw invalidArgument('timeout must be a whole number of milliseconds')
  }
  if (typeof now !== 'function') throw invalidArgument('now must be a function returning ms')

  const connection = openDatabase(path, table, timeout)
  const sql = connection.statements
  let closed = false
  let writes = 0

  // After the caller's write has succeeded, and best-effort: a sweep that fails (or would wait
  // for another process) must neither fail nor hold up the write, and the next sweep deletes
  // what this one left.
  function sweep(at: number): void {
    if (++writes % SWEEP_EVERY !== 0 || closed) return
    try {
      connection.sweep(at)
    } catch {
      // Left for the next sweep.
    }
  }

  function run<T>(operation: string, work: () => T): T {
    if (closed) {
      throw new StoreError(`SQLite store ${operation} after close()`, {
        code: STORE_UNAVAILABLE,
        operation,
      })
    }
    try {
      return work()
    } catch (cause) {
      throw sqliteFailure(operation, cause)
    }
  }

  /** {@link run} for an operation that writes: in a transaction that takes the lock first. */
  function write<T>(operation: string, work: () => T): T {
    return run(operation, () => connection.write(work))
  }

  // The values and the locks of this store: its prefix, then the lock marker for locks.
  const keyOf = (key: string) => toSql(prefix + checkKey(key))
  const lockOf = (key: string) => toSql(prefix + LOCK_SEPARATOR + checkKey(key))

  function lock(key: Buffer | string, token: string, expiresAt: number): Lock {
    return {
      token,
      expiresAt,
      release: async () =>
        write('release', () => sql.release.run([key, token, now()]).changes === 1),
    }
  }

  return {
    prefix,
    async set(key, value, ttl) {
      const name = keyOf(key)
      const data = toSql(checkValue(value))
      const lifetime = checkTtl(ttl)
      const at = write('set', () => {
        const at = now()
        sql.set.run([name, data, at + lifetime])
        return at
      })
      sweep(at)
    },
    async admit(key, value, ttl, limit) {
      const name = keyOf(key)
      const data = toSql(checkValue(value))
      const lifetime = checkTtl(ttl)
      checkLimit(limit)
      const [at, admitted] = write('admit', () => {
        const at = now()
        const ended = sql.admissionsEnded.run([prefix, at]).changes
        const counted = Math.max(0, countOf(sql.admissionsCount.get([prefix])) - ended)
        if (counted >= limit) {
          if (ended > 0) sql.admissionsCounted.run([prefix, counted])
          return [at, false] as const
        }
        sql.admission.run([prefix, at + lifetime])
        sql.admissionsCounted.run([prefix, counted + 1])
        sql.set.run([name, data, at + lifetime])
        return [at, true] as const
      })
      sweep(at)
      return admitted
    },
    async add(key, value, ttl) {
      const name = keyOf(key)
      const data = toSql(checkValue(value))
      const lifetime = checkTtl(ttl)
      const [at, added] = write('add', () => {
        const at = now()
        return [at, sql.add.run([name, data, at + lifetime, at]).changes === 1] as const
      })
      sweep(at)
      return added
    },
    async swap(key, expected, value, ttl) {
      const name = keyOf(key)
      const old = toSql(checkValue(expected))
      const data = toSql(checkValue(value))
      const lifetime = checkTtl(ttl)
      const [at, swapped] = write('swap', () => {
        const at = now()
        return [at, sql.swap.run([data, at + lifetime, name, old, at]).changes === 1] as const
      })
      sweep(at)
      return swapped
    },
    async get(key) {
      const name = keyOf(key)
      return run('get', () => rowValue(sql.get.get([name, now()])))
    },
    async consume(key) {
      const name = keyOf(key)
      return write('consume', () => rowValue(sql.consume.get([name, now()])))
    },
    async delete(key) {
      const name = keyOf(key)
      write('delete', () => sql.delete.run([name]))
    },
    async lock(key, ttl) {
      const name = lockOf(key)
      const lifetime = checkTtl(ttl)
      const token = crypto.randomUUID()
      const [at, taken] = write('lock', () => {
        const at = now()
        return [at, sql.lock.run([name, token, at + lifetime, at]).changes === 1] as const
      })
      sweep(at)
      return taken ? lock(name, token, at + lifetime) : undefined
    },
    async close() {
      if (closed) return
      closed = true
      connection.close()
    },
  }
}

function countOf(row: unknown): number {
  return typeof row === 'object' && row !== null && 'count' in row ? Number(row.count) : 0
}

function rowValue(row: unknown): string | undefined {
  return typeof row === 'object' && row !== null && 'value' in row ? fromSql(row.value) : undefined
}
