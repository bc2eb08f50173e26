import { base64url, EncryptJWT, jwtDecrypt } from 'jose'
import { invalidArgument } from '../client/errors.js'

/** Shortest secret {@link createSealer} accepts, in characters. */
export const MIN_SECRET_LENGTH = 32
/** Longest sealed value {@link Sealer.unseal} looks at, in characters; longer input is refused. */
export const MAX_SEALED_LENGTH = 8 * 1024

/**
 * HKDF-SHA256 parameters. Fixed and versioned: changing them changes every key, which logs every
 * user out, so a new derivation gets a new `info` rather than editing this one.
 */
const HKDF_SALT = new TextEncoder().encode('wxauth')
const HKDF_INFO = new TextEncoder().encode('wxauth seal key v1 (JWE dir A256GCM)')
const TYP_PREFIX = 'wxauth-'
const PURPOSE = /^[a-z][a-z0-9-]{0,31}$/
// JWE compact with `dir`: header . (empty encrypted key) . iv . ciphertext . tag, all base64url.
const COMPACT_DIR = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/

/** Options of {@link Sealer.seal}. */
export interface SealOptions {
  /** What the value is for (`session`, `tokens`, …); a value sealed for one is refused by another. */
  purpose: string
  /** Lifetime in seconds. */
  maxAge: number
  /** The current time in ms since the epoch. Default `Date.now()`. */
  now?: number
}

/** Options of {@link Sealer.unseal}. */
export interface UnsealOptions {
  /** The purpose the value must have been sealed for. */
  purpose: string
  /** The current time in ms since the epoch. Default `Date.now()`. */
  now?: number
}

/** Encrypts and authenticates small JSON payloads for cookies and storage. */
export interface Sealer {
  /**
   * Seals `payload` (JSON-serialisable) as a JWE (`dir`, `A256GCM`) with the newest key. The claims
   * carry `iat` and `exp` next to the payload, and the protected header `typ: wxauth-<purpose>`.
   */
  seal(payload: Record<string, unknown>, options: SealOptions): Promise<string>
  /**
   * The payload exactly as sealed, or `undefined` when `sealed` is not a live value sealed by one of
   * the configured keys for `purpose`: tampered, truncated, garbage, expired, wrong purpose,
   * unknown key or longer than {@link MAX_SEALED_LENGTH}. Bad input never throws.
   * The caller asserts the type `T`: the value is authentic, but check its shape all the same.
   * @throws {TypeError} `ERR_INVALID_ARG_VALUE` for an invalid `purpose` or `now` (a bug, not input).
   */
  unseal<T = Record<string, unknown>>(
    sealed: string,
    options: UnsealOptions,
  ): Promise<T | undefined>
}

interface Key {
  kid: string
  key: CryptoKey
}

/**
 * A {@link Sealer} over one or more secrets of at least 32 characters. The first secret seals and
 * every secret unseals, so that keys can rotate: put the new secret first and keep the old one until
 * the values it sealed have expired.
 *
 * Each secret is stretched with HKDF-SHA256 into a 256-bit AES-GCM key; the JWE header names the
 * key by `kid` (8 base64url characters of the SHA-256 of the derived key), so unsealing tries
 * exactly one key.
 *
 * @throws {TypeError} `ERR_INVALID_ARG_VALUE` when there is no secret or one is too short.
 * @example
 * const sealer = createSealer([newSecret, oldSecret]) // newSecret seals; both unseal
 */
export function createSealer(secrets: string | string[]): Sealer {
  // A copy, so that a caller editing its array later cannot change the keys.
  const list: unknown[] =
    typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? [...secrets] : []
  if (list.length === 0) {
    throw invalidArgument('secrets must be a string or a non-empty array of strings')
  }
  const checked = list.map((secret, i) => {
    // Never quote the secret, not even its length: the message may end up in a log.
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      throw invalidArgument(
        `secrets[${i}] must be a string of at least ${MIN_SECRET_LENGTH} characters`,
      )
    }
    return secret
  })

  let derived: Promise<Key[]> | undefined
  const keys = (): Promise<Key[]> => {
    derived ??= Promise.all(checked.map(deriveKey))
    return derived
  }

  return {
    async seal(payload, options) {
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw invalidArgument('payload must be a plain object')
      }
      const typ = typFor(options.purpose)
      const maxAge = options.maxAge
      if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) {
        throw invalidArgument('maxAge must be a positive number of seconds')
      }
      const now = clock(options.now)
      const [newest] = await keys()
      if (!newest) throw invalidArgument('secrets must not be empty')
      const iat = Math.floor(now / 1000)
      // Rounded down, so that a seal never outlives the ms-precise lifetime it was given.
      const exp = Math.floor(now / 1000 + maxAge)
      // The payload sits under its own claim so that none of its keys can shadow `exp` or `iat`.
      return new EncryptJWT({ data: payload })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: newest.kid, typ })
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .encrypt(newest.key)
    },

    async unseal<T = Record<string, unknown>>(
      sealed: string,
      options: UnsealOptions,
    ): Promise<T | undefined> {
      const typ = typFor(options.purpose)
      const now = clock(options.now)
      if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) return undefined
      const parts = COMPACT_DIR.exec(sealed)
      if (!parts?.slice(1).every(canonical)) return undefined
      const available = await keys()
      try {
        const { payload } = await jwtDecrypt(
          sealed,
          (header) => {
            const match = available.find((k) => k.kid === header.kid)
            if (!match) throw new Error('unknown kid')
            return match.key
          },
          {
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
            typ,
            currentDate: new Date(now),
            requiredClaims: ['exp', 'iat'],
          },
        )
        const data = payload.data
        if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
        return data as T
      } catch {
        return undefined
      }
    },
  }
}

async function deriveKey(secret: string): Promise<Key> {
  const subtle = globalThis.crypto.subtle
  const material = await subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
    'deriveBits',
  ])
  const bits = new Uint8Array(
    await subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: HKDF_INFO },
      material,
      256,
    ),
  )
  const digest = new Uint8Array(await subtle.digest('SHA-256', bits))
  const kid = base64url.encode(digest).slice(0, 8)
  const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt', 'decrypt'])
  bits.fill(0)
  return { kid, key }
}

function typFor(purpose: string): string {
  if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) {
    throw invalidArgument('purpose must be 1 to 32 characters of a-z, 0-9 and -, starting a-z')
  }
  return TYP_PREFIX + purpose
}

function clock(now: number | undefined): number {
  if (now === undefined) return Date.now()
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw invalidArgument('now must be a number of ms since the epoch')
  }
  return now
}

/**
 * Base64url decoding on Node 20 ignores the unused low bits of the last character, so two strings
 * can decode to the same bytes; only the canonical one is accepted, so any change is a rejection.
 */
function canonical(segment: string | undefined): boolean {
  if (segment === undefined) return false
  try {
    return base64url.encode(base64url.decode(segment)) === segment
  } catch {
    return false
  }
}
