import { invalidArgument } from '../client/errors.js'

/** Longest key a store accepts, in characters. */
export const MAX_KEY_LENGTH = 512
/** Largest value a store accepts, in bytes of UTF-8. */
export const MAX_VALUE_BYTES = 256 * 1024
/** Longest TTL a store accepts: one year, in ms. */
export const MAX_TTL = 366 * 24 * 3600 * 1000

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
  return value
}

/** @internal */
export function checkTtl(ttl: number): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_TTL) {
    throw invalidArgument(`ttl must be a positive number of milliseconds up to ${MAX_TTL}`)
  }
  return Math.ceil(ttl)
}
