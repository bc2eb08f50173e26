import { invalidArgument } from '../client/errors.js'
import { type AesGcm, createAesGcm } from './aes-gcm.js'
import { decodeBase64url, encodeBase64url } from './base64url.js'
import { randomBytes } from './random.js'

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
const HEADER_MEMBERS = ['alg', 'enc', 'kid', 'typ']
const CLAIMS = new Set(['data', 'iat', 'exp'])
const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

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
  cipher: AesGcm
}

/**
 * A {@link Sealer} over one or more secrets of at least 32 characters. The first secret seals and
 * every secret unseals, so that keys can rotate: put the new secret first and keep the old one until
 * the values it sealed have expired.
 *
 * Each secret is stretched with HKDF-SHA256 into a 256-bit AES-GCM key; the JWE header names the
 * key by `kid` (8 base64url characters of the SHA-256 of the derived key), so unsealing tries
 * exactly one key. The values are standard JWTs in JWE compact form (RFC 7516, 7519): any JOSE
 * library holding the derived key can open them.
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
  // The encoded protected header of the newest key, by typ: the same few strings every time.
  const headers = new Map<string, string>()

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
      let header = headers.get(typ)
      if (header === undefined) {
        header = encodeJson({ alg: 'dir', enc: 'A256GCM', kid: newest.kid, typ })
        headers.set(typ, header)
      }
      const iat = Math.floor(now / 1000)
      // Rounded down, so that a seal never outlives the ms-precise lifetime it was given.
      const exp = Math.floor(now / 1000 + maxAge)
      // The payload sits under its own claim so that none of its keys can shadow `exp` or `iat`.
      const claims = utf8.encode(JSON.stringify({ data: payload, iat, exp }))
      const iv = randomBytes(12)
      const { ciphertext, tag } = await newest.cipher.encrypt(iv, claims, utf8.encode(header))
      return `${header}..${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}.${encodeBase64url(tag)}`
    },

    async unseal<T = Record<string, unknown>>(
      sealed: string,
      options: UnsealOptions,
    ): Promise<T | undefined> {
      const typ = typFor(options.purpose)
      const now = clock(options.now)
      if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_LENGTH) return undefined
      const parts = COMPACT_DIR.exec(sealed)
      if (!parts) return undefined
      const [, encodedHeader = '', encodedIv = '', encodedCiphertext = '', encodedTag = ''] = parts
      const header = decodeJson(encodedHeader)
      const iv = decodeBase64url(encodedIv)
      const ciphertext = decodeBase64url(encodedCiphertext)
      const tag = decodeBase64url(encodedTag)
      if (!header || !iv || !ciphertext || !tag) return undefined
      // Exactly the header seal() writes: no `zip`, `crit` or other algorithms to negotiate.
      const members = Object.keys(header)
      if (
        members.length !== HEADER_MEMBERS.length ||
        !HEADER_MEMBERS.every((member) => Object.hasOwn(header, member)) ||
        header.alg !== 'dir' ||
        header.enc !== 'A256GCM' ||
        header.typ !== typ
      ) {
        return undefined
      }
      const key = (await keys()).find((k) => k.kid === header.kid)
      if (!key) return undefined
      const plaintext = await key.cipher.decrypt(iv, ciphertext, tag, utf8.encode(encodedHeader))
      if (!plaintext) return undefined
      const claims = parseObject(fromUtf8.decode(plaintext))
      if (!claims || !Object.keys(claims).every((name) => CLAIMS.has(name))) return undefined
      const { data, iat, exp } = claims
      if (!Number.isFinite(iat) || !Number.isFinite(exp)) return undefined
      if ((exp as number) <= Math.floor(now / 1000)) return undefined
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
      return data as T
    },
  }
}

async function deriveKey(secret: string): Promise<Key> {
  const subtle = globalThis.crypto.subtle
  const material = await subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, ['deriveBits'])
  const bits = new Uint8Array(
    await subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: HKDF_INFO },
      material,
      256,
    ),
  )
  const digest = new Uint8Array(await subtle.digest('SHA-256', bits))
  const kid = encodeBase64url(digest).slice(0, 8)
  const cipher = await createAesGcm(bits)
  bits.fill(0)
  return { kid, cipher }
}

function encodeJson(value: Record<string, unknown>): string {
  return encodeBase64url(utf8.encode(JSON.stringify(value)))
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64url(segment)
  return bytes && parseObject(fromUtf8.decode(bytes))
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
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
