import { createRequire } from 'node:module'
import { STORE_TIMEOUT, STORE_UNAVAILABLE, StoreError } from '../errors.js'

/** A value bound to a statement parameter. @internal */
export type SqlValue = string | number | Uint8Array

/** The part of a libsql prepared statement that the SQLite store uses. @internal */
export interface Statement {
  // Parameters always go in one array: libsql takes a lone Buffer argument for named parameters
  // (and aborts the process on it).
  run(params: readonly SqlValue[]): { changes: number }
  get(params: readonly SqlValue[]): unknown
}

/** The part of a libsql `Database` that the SQLite store uses. @internal */
export interface Database {
  exec(sql: string): unknown
  prepare(sql: string): Statement
  close(): unknown
}

/** libsql's default export. @internal */
export type DatabaseConstructor = new (path: string) => Database

const nodeRequire = createRequire(import.meta.url)
let loaded: DatabaseConstructor | undefined

/**
 * libsql's `Database`, loaded on first use so that only apps that create a SQLite store need it.
 * `require` is a parameter for the test that resolves it where libsql is not installed.
 * @internal
 */
export function loadLibsql(require: NodeJS.Require = nodeRequire): DatabaseConstructor {
  if (loaded && require === nodeRequire) return loaded
  let Database: DatabaseConstructor
  try {
    Database = require('libsql') as DatabaseConstructor
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'MODULE_NOT_FOUND'
    throw new StoreError(
      missing
        ? 'wxauth/sqlite needs the libsql package, which is not installed: npm install libsql'
        : 'wxauth/sqlite could not load libsql; reinstall it for this platform: npm install libsql',
      { code: STORE_UNAVAILABLE, operation: 'open', cause },
    )
  }
  if (require === nodeRequire) loaded = Database
  return Database
}

/** A {@link StoreError} for a failed libsql call. @internal */
export function sqliteFailure(operation: string, cause: unknown): StoreError {
  const code = (cause as { code?: unknown } | null)?.code
  // SQLite's messages name tables and columns, never bound values, so they are safe to quote.
  const message = cause instanceof Error ? (cause.message.split('\n', 1)[0] ?? '') : String(cause)
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new StoreError(
      `SQLite store ${operation} waited longer than its timeout for another connection: ${message}`,
      { code: STORE_TIMEOUT, operation, cause },
    )
  }
  return new StoreError(`SQLite store ${operation} failed: ${message}`, {
    code: STORE_UNAVAILABLE,
    operation,
    cause,
  })
}
