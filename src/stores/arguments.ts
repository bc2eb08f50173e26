import { invalidArgument } from '../client/errors.js'

/** Longest key a store accepts, in characters. */
export const MAX_KEY_LENGTH = 512
/** Largest value a store accepts, in bytes of UTF-8. */
export const MAX_VALUE_BYTES = 256 * 1024
/** Longest TTL a store accepts: one year, in ms. */
export const MAX_TTL = 366 * 24 * 3600 * 1000
/** Longest namespace prefix the Redis and SQLite stores accept, in characters. */
export const MAX_PREFIX_LENGTH = 64

/**
 * What the stores put between their prefix and a lock name, so that lock names live apart from
 * keys: a key can never contain the control character it starts with. @internal
 */
export const LOCK_SEPARATOR = '\u0000lock:'

// C0 controls, DEL and C1 controls.
const CONTROL = /\p{Cc}/u
// In a `u` regular expression a surrogate pair is one code point, so `\p{Cs}` finds only lone
// surrogates: the same answer as String.prototype.isWellFormed, for runtimes without it.
const LONE_SURROGATE = /\p{Cs}/u
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text)

/** @internal */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '')
    throw invalidArgument('store key must be a non-empty string')
  if (key.length > MAX_KEY_LENGTH) {
    throw invalidArgument(`store key must be at most ${MAX_KEY_LENGTH} characters`)
  }
  // Stores keep lock names apart from keys with a control character, so keys may not contain one.
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c < 0x20 || c === 0x7f)
      throw invalidArgument('store key must not contain control characters')
  }
  // A lone surrogate has no UTF-8 form: Redis and SQLite would store U+FFFD, and two keys collide.
  if (!wellFormed(key)) {
    throw invalidArgument('store key must be well-formed UTF-16 (no lone surrogates)')
  }
  return key
}

/** @internal */
export function checkValue(value: string): string {
  if (typeof value !== 'string')
    throw invalidArgument('store value must be a string (serialise JSON first)')
  // Cheap bound first: a UTF-16 code unit is at most 3 bytes of UTF-8.
  if (value.length * 3 > MAX_VALUE_BYTES && Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
    throw invalidArgument(`store value must be at most ${MAX_VALUE_BYTES} bytes`)
  }
  if (!wellFormed(value)) {
    throw invalidArgument('store value must be well-formed UTF-16 (no lone surrogates)')
  }
  return value
}

/** @internal */
export function checkTtl(ttl: number): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_TTL) {
    throw invalidArgument(`ttl must be a positive number of milliseconds up to ${MAX_TTL}`)
  }
  return Math.ceil(ttl)
}

/** Largest `limit` of an admission a store accepts. */
export const MAX_ADMISSIONS = 100_000_000

/** @internal */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ADMISSIONS) {
    throw invalidArgument(`limit must be a whole number from 1 to ${MAX_ADMISSIONS}`)
  }
  return limit
}

/**
 * What the stores put between their prefix and the record of admissions, apart from keys like
 * lock names. @internal
 */
export const ADMISSIONS_KEY = '\u0000admissions'

/**
 * The namespace prefix of a store that shares its backend: 1 to {@link MAX_PREFIX_LENGTH}
 * characters, no control characters, ending with `:`. The final `:` is the boundary that keeps
 * `app1` + `2:tx` apart from `app12` + `:tx`; without control characters, no prefix can reach the
 * lock names of another, which follow {@link LOCK_SEPARATOR}. @internal
 */
export function checkPrefix(prefix: string): string {
  if (
    typeof prefix !== 'string' ||
    prefix.length === 0 ||
    prefix.length > MAX_PREFIX_LENGTH ||
    !prefix.endsWith(':') ||
    CONTROL.test(prefix) ||
    !wellFormed(prefix)
  ) {
    throw invalidArgument(
      `prefix must be 1 to ${MAX_PREFIX_LENGTH} characters without control characters, ending with ':' (e.g. 'myapp:')`,
    )
  }
  return prefix
}
