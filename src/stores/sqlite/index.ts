/**
 * wxauth/sqlite: a {@link Store} in a SQLite database file, through the `libsql` package (an
 * optional peer dependency: `npm install libsql`).
 *
 * @module wxauth/sqlite
 */
export { STORE_TIMEOUT, STORE_UNAVAILABLE, StoreError } from '../errors.js'
export type { Lock, Store } from '../store.js'
export { type SqliteStore, type SqliteStoreOptions, sqliteStore } from './store.js'
