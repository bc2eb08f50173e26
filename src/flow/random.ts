import { nodeCrypto } from '#node-crypto'
import { encodeBase64url } from './base64url.js'

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const POOL_SIZE = 4096

let pool = new Uint8Array(0)
let offset = POOL_SIZE

/**
 * `length` cryptographically random bytes. Taken from a pool filled 4 KiB at a time (as node:crypto
 * does for `randomUUID`): one system call per ~100 states instead of one each. A refill allocates a
 * new pool, so bytes handed out are never handed out again.
 * @internal
 */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (length > POOL_SIZE) return crypto.getRandomValues(new Uint8Array(length))
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE))
    offset = 0
  }
  offset += length
  return pool.subarray(offset - length, offset)
}

/**
 * A random string of `[A-Za-z0-9]`, the only characters WeChat keeps intact in `state`. 43
 * characters carry 256 bits; rejection sampling keeps every character equally likely.
 * @internal
 */
export function randomBase62(length = 43): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62]
    }
  }
  return out
}

/** `bytes` random bytes, base64url. @internal */
export function randomBase64url(bytes: number): string {
  return encodeBase64url(randomBytes(bytes))
}

/** SHA-256 of `value`, base64url: how a browser-binding secret is kept in a stored record. @internal */
export async function sha256(value: string): Promise<string> {
  // node:crypto hashes in place; WebCrypto's digest is a thread-pool job and ~10x slower here.
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(value).digest('base64url')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return encodeBase64url(new Uint8Array(digest))
}
