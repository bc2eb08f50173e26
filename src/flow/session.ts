import { invalidArgument } from '../client/errors.js'
import type { Store } from '../stores/store.js'
import { clearCookie, readCookies, setCookie } from './cookies.js'
import type { HeaderReader } from './http.js'
import { randomBase64url } from './random.js'
import type { Sealer } from './seal.js'
import type { Identity, Session } from './types.js'

/** Largest `Set-Cookie` a session may need, in bytes: what every browser keeps for one cookie. */
export const MAX_SESSION_COOKIE_BYTES = 4096
/** Longest session lifetime, in seconds: one year, as long as a store keeps a record. */
export const MAX_SESSION_AGE = 366 * 24 * 3600

const PURPOSE = 'session'
const KEY_PREFIX = 'session:'
const ID_BYTES = 16

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Seals the session into its cookie. */
  sealer: Sealer
  /** Keeps session records when `revocable`. */
  store: Store
  /** The session cookie's name (see `cookieNames`). */
  names: { session: string }
  /** Adds `Secure` to the cookie; required for a `__Host-` name. */
  secure: boolean
  /** Session lifetime in seconds, a whole number up to {@link MAX_SESSION_AGE}. */
  maxAge: number
  /** Also keep each session in the store, so that deleting its record logs it out everywhere. */
  revocable: boolean
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number
}

/** What {@link Sessions.create} returns. */
export interface CreatedSession {
  session: Session
  /** The `Set-Cookie` header value to send with the response. */
  setCookie: string
  /** The sealed cookie value alone. */
  value: string
}

/** Sessions in sealed cookies, optionally backed by store records. */
export interface Sessions {
  /**
   * Starts a new session with a fresh random id (never an old one). When revocable, its record is
   * written before the cookie is returned, so a store failure rejects and yields no cookie.
   * @throws {RangeError} `ERR_OUT_OF_RANGE` when the cookie would exceed
   *   {@link MAX_SESSION_COOKIE_BYTES}: keep large data in the application's database instead.
   * @throws {StoreError} when revocable and the record cannot be written.
   */
  create(identity: Identity, user: unknown): Promise<CreatedSession>
  /**
   * The request's session, or `null` when the cookie is absent, tampered, expired or (when
   * revocable) its record is gone.
   * @throws {StoreError} when revocable and the store cannot be read: an outage must neither log
   *   everyone out nor let revoked sessions back in, so it is the caller's error to handle (5xx).
   */
  read(request: { headers: HeaderReader }): Promise<Session | null>
  /**
   * Ends the request's session: deletes its record (when revocable) and returns the `Set-Cookie`
   * that clears the cookie.
   * @throws {StoreError} when revocable and the record cannot be deleted: the session is then still
   *   valid, so the caller should report the failure rather than pretend the user logged out.
   */
  destroy(request: { headers: HeaderReader }): Promise<string>
}

interface SealedSession extends Record<string, unknown> {
  id: string
  identity: Identity
  user?: unknown
  createdAt: number
  expiresAt: number
}

/**
 * Sessions for logged-in users: the session (identity, `user`, times) is sealed into an
 * `HttpOnly; SameSite=Lax; Path=/` cookie. With `revocable`, a record `session:<id>` in the store
 * must also exist for the cookie to count, so a session can be ended before it expires.
 *
 * @example
 * const sessions = createSessions({ sealer, store, names: cookieNames({ prefix: 'wxauth', secure: true }),
 *   secure: true, maxAge: 7 * 24 * 3600, revocable: false })
 */
export function createSessions(options: SessionsOptions): Sessions {
  const { sealer, store, secure, maxAge, revocable } = options
  const name = options.names?.session
  const now = options.now ?? Date.now
  if (typeof name !== 'string' || name === '') {
    throw invalidArgument('names.session must be a cookie name')
  }
  if (!Number.isSafeInteger(maxAge) || maxAge <= 0 || maxAge > MAX_SESSION_AGE) {
    throw invalidArgument(
      `session maxAge must be a whole number of seconds, 1 to ${MAX_SESSION_AGE}`,
    )
  }
  if (typeof revocable !== 'boolean') throw invalidArgument('revocable must be a boolean')
  if (typeof now !== 'function') throw invalidArgument('now must be a function returning ms')
  // Built (and name, path and secure checked together) once, rather than at every login.
  const clear = clearCookie(name, { path: '/', secure })

  async function current(request: { headers: HeaderReader }): Promise<SealedSession | undefined> {
    const value = readCookies(request)[name]
    if (!value) return undefined
    const at = now()
    const sealed = await sealer.unseal(value, { purpose: PURPOSE, now: at })
    if (!sealed || !isSealedSession(sealed) || sealed.expiresAt <= at) return undefined
    return sealed
  }

  return {
    async create(identity, user) {
      const createdAt = now()
      const expiresAt = createdAt + maxAge * 1000
      const id = randomId()
      const sealed: SealedSession = { id, identity, createdAt, expiresAt }
      if (user !== undefined) sealed.user = user
      const value = await sealer.seal(sealed, { purpose: PURPOSE, maxAge, now: createdAt })
      const header = setCookie(name, value, { maxAge, path: '/', secure })
      const bytes = new TextEncoder().encode(header).length
      if (bytes > MAX_SESSION_COOKIE_BYTES) {
        const error = new RangeError(
          `session cookie would be ${bytes} bytes, over the ${MAX_SESSION_COOKIE_BYTES} browsers keep; return less from onLogin and keep the rest in your database`,
        )
        Object.defineProperty(error, 'code', { value: 'ERR_OUT_OF_RANGE', enumerable: true })
        throw error
      }
      if (revocable) {
        // DATA-03: the record is durable before the cookie exists; if this rejects, no cookie.
        const record = JSON.stringify({ subject: identity.subject, createdAt, expiresAt })
        await store.set(KEY_PREFIX + id, record, maxAge * 1000)
      }
      const session: Session = { identity, createdAt, expiresAt }
      if (user !== undefined) session.user = user
      return { session, setCookie: header, value }
    },

    async read(request) {
      const sealed = await current(request)
      if (!sealed) return null
      if (revocable) {
        const record = await store.get(KEY_PREFIX + sealed.id)
        if (record === undefined || !recordMatches(record, sealed)) return null
      }
      const session: Session = {
        identity: sealed.identity,
        createdAt: sealed.createdAt,
        expiresAt: sealed.expiresAt,
      }
      if ('user' in sealed) session.user = sealed.user
      return session
    },

    async destroy(request) {
      if (revocable) {
        const sealed = await current(request)
        // DATA-03: the server-side session goes before the cookie is cleared.
        if (sealed) await store.delete(KEY_PREFIX + sealed.id)
      }
      return clear
    },
  }
}

/** 128 random bits, base64url: unguessable, and new at every login (SESS-01). */
function randomId(): string {
  return randomBase64url(ID_BYTES)
}

function isSealedSession(value: Record<string, unknown>): value is SealedSession {
  const identity = value.identity
  return (
    typeof value.id === 'string' &&
    value.id.length > 0 &&
    typeof value.createdAt === 'number' &&
    typeof value.expiresAt === 'number' &&
    typeof identity === 'object' &&
    identity !== null &&
    typeof (identity as Record<string, unknown>).subject === 'string' &&
    typeof (identity as Record<string, unknown>).appId === 'string' &&
    typeof (identity as Record<string, unknown>).openid === 'string'
  )
}

/** A record belongs to the cookie that names it; anything else (a foreign writer) is refused. */
function recordMatches(record: string, sealed: SealedSession): boolean {
  try {
    const parsed: unknown = JSON.parse(record)
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as Record<string, unknown>).subject === sealed.identity.subject
    )
  } catch {
    return false
  }
}
