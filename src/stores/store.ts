/**
 * Where wxauth keeps short-lived state: login transactions, sessions, users' WeChat tokens and
 * locks. Every method is async and every implementation enforces expiry itself.
 *
 * Keys are plain strings chosen by wxauth (`login:tx:…`, `session:…`); each store adds its own
 * namespace prefix. Values are strings (usually JSON) that the store never interprets.
 *
 * Keys that start with {@link LOGIN_KEY_PREFIX} (`login:`) hold login attempts, which anyone can
 * create by opening the login link. A store must never let them push out other values: a store
 * that evicts when full (as the memory store does) keeps them in a space of its own, where
 * nothing is evicted before its ttl. wxauth bounds their number with {@link Store.admit}.
 */
export interface Store {
  /** Stores `value` under `key` for `ttl` milliseconds, replacing any previous value. */
  set(key: string, value: string, ttl: number): Promise<void>
  /**
   * Stores `value` under `key` for `ttl` milliseconds only if `key` has no live value (absent or
   * expired), in one atomic step; resolves `true` when it stored it, `false` when a live value was
   * there, which keeps its value and its expiry. Of any number of concurrent `add`s of one key,
   * exactly one resolves `true`.
   *
   * An `add` that rejects (a timeout, a lost connection) may still have stored the value: callers
   * treat the key as taken and never retry.
   */
  add(key: string, value: string, ttl: number): Promise<boolean>
  /**
   * Replaces the live value of `key` with `value` (for `ttl` ms) only if it is exactly `expected`,
   * in one atomic step; resolves `true` when it replaced it, `false` when the key is absent, expired
   * or holds another value (which is left as it is, with its expiry). A compare-and-set: of any
   * number of concurrent `swap`s of one key from its value to other values, exactly one resolves
   * `true`, so a writer that read a value (or lost its {@link Store.lock}) cannot overwrite a newer
   * one. `expected` is checked like a value.
   *
   * A `swap` that rejects (a timeout, a lost connection) may still have replaced the value: callers
   * read the key again to learn which, and do not retry blindly (a retried `swap` that had already
   * replaced the value resolves `false`).
   */
  swap(key: string, expected: string, value: string, ttl: number): Promise<boolean>
  /**
   * Stores `value` under `key` for `ttl` ms like {@link Store.set}, as one of at most `limit`
   * admissions: resolves `true` when it stored it, and `false`, storing nothing, when `limit`
   * admissions of this store are still counted. An admission is counted for its whole `ttl`,
   * whether or not its key is consumed, deleted or replaced sooner, so `limit` bounds how many
   * values were admitted in any `ttl` (and with them whatever they lead to), not how many are
   * live. The check and the count are one atomic step across every user of the backend: of any
   * number of concurrent `admit`s, no more than `limit` minus those counted resolve `true`.
   *
   * wxauth admits each login start, so that a flood of them gets "busy, try again" instead of
   * growing the store without bound. An `admit` that rejects may still have been counted.
   */
  admit(key: string, value: string, ttl: number, limit: number): Promise<boolean>
  /** The live value of `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>
  /**
   * Reads and deletes `key` in one atomic step: of any number of concurrent consumers of one key,
   * exactly one receives the value; the others get `undefined`.
   *
   * A `consume` that rejects (a timeout, a lost connection) may still have deleted the value, and
   * nobody received it: callers treat the value as consumed (a login restarts) and never retry.
   */
  consume(key: string): Promise<string | undefined>
  /** Deletes `key`; deleting an absent key is not an error. */
  delete(key: string): Promise<void>
  /**
   * Tries to take the lock named `key` for `ttl` milliseconds. Resolves a {@link Lock} when taken,
   * `undefined` when someone else holds it. A lock expires by itself, so a crashed holder cannot
   * block others for longer than `ttl`. Lock names live apart from keys of {@link Store.set}.
   *
   * Locks reduce duplicate work (one token refresh instead of one per instance); they are not a
   * correctness guarantee. A holder may pause past `ttl`, and a lock on a single Redis primary can
   * be lost on failover, so two holders are possible: what the lock protects must stay correct
   * when that happens (for example a compare-and-set on the data written, {@link Store.swap}).
   */
  lock(key: string, ttl: number): Promise<Lock | undefined>
}

/** A held lock. */
export interface Lock {
  /** The random token that proves who holds the lock. */
  readonly token: string
  /** When the lock expires by itself, in ms since the epoch (the store's clock). */
  readonly expiresAt: number
  /**
   * Releases the lock if this holder still holds it; resolves `false` when it had already expired
   * (and possibly been taken by someone else), whose lock is then left alone.
   */
  release(): Promise<boolean>
}

/** Keys of login attempts start with this; see {@link Store}. */
export const LOGIN_KEY_PREFIX = 'login:'
