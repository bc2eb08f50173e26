import { describe, expect, it } from 'vitest'
import { cookieNames, readCookies } from '../../src/flow/cookies.js'
import { createSealer } from '../../src/flow/seal.js'
import {
  createSessions,
  MAX_SESSION_COOKIE_BYTES,
  type SessionsOptions,
} from '../../src/flow/session.js'
import type { Identity } from '../../src/flow/types.js'
import { memoryStore, STORE_UNAVAILABLE, StoreError } from '../../src/index.js'
import type { Lock, Store } from '../../src/stores/store.js'

const SECRET = 'session-test-secret-0123456789-abcdefghij'
const DAY = 24 * 3600
const T0 = Date.UTC(2025, 5, 1)

const identity: Identity = {
  subject: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  appId: 'wx0123456789abcdef',
  openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  scope: 'snsapi_userinfo',
  profile: {
    nickname: '很长的昵称'.repeat(20),
    avatarUrl: `https://thirdwx.qlogo.cn/mmopen/vi_32/${'Q3auHgzwzM4'.repeat(12)}/132`,
    sex: 0,
    country: '中国',
    province: '广东',
    city: '广州',
  },
}

/** A real Store that delegates to a memory store but can be told to fail, like an outage. */
function flakyStore(clock: () => number) {
  const inner = memoryStore({ now: clock })
  const failing = { set: false, get: false, delete: false }
  const outage = (operation: string) =>
    new StoreError('store unavailable', { code: STORE_UNAVAILABLE, operation })
  const store: Store = {
    async set(key, value, ttl) {
      if (failing.set) throw outage('set')
      return inner.set(key, value, ttl)
    },
    async admit(key, value, ttl, limit) {
      if (failing.set) throw outage('admit')
      return inner.admit(key, value, ttl, limit)
    },
    async add(key, value, ttl) {
      if (failing.set) throw outage('add')
      return inner.add(key, value, ttl)
    },
    async swap(key, expected, value, ttl) {
      if (failing.set) throw outage('swap')
      return inner.swap(key, expected, value, ttl)
    },
    async get(key) {
      if (failing.get) throw outage('get')
      return inner.get(key)
    },
    consume: (key) => inner.consume(key),
    async delete(key) {
      if (failing.delete) throw outage('delete')
      return inner.delete(key)
    },
    lock: (key, ttl): Promise<Lock | undefined> => inner.lock(key, ttl),
  }
  return { store, inner, failing }
}

function setup(overrides: Partial<SessionsOptions> & { secure?: boolean } = {}) {
  let clock = T0
  const now = () => clock
  const secure = overrides.secure ?? true
  const { store, inner, failing } = flakyStore(now)
  const sessions = createSessions({
    sealer: createSealer(SECRET),
    store,
    names: cookieNames({ prefix: 'wxauth', secure }),
    secure,
    maxAge: 7 * DAY,
    revocable: true,
    now,
    ...overrides,
  })
  return {
    sessions,
    inner,
    failing,
    name: cookieNames({ prefix: 'wxauth', secure }).session,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

/** The request a browser sends back after receiving `setCookie`. */
function browserRequest(setCookie: string, url = 'https://example.com/'): Request {
  const pair = setCookie.split(';')[0] ?? ''
  return new Request(url, { headers: { cookie: `other=1; ${pair}` } })
}

const user = { id: 42, roles: ['admin'], note: 'x'.repeat(1_000) }

describe('createSessions', () => {
  it('round-trips: create, then read from the cookie the browser sends back', async () => {
    const { sessions } = setup()
    const created = await sessions.create(identity, user)
    expect(created.session).toEqual({
      identity,
      user,
      createdAt: T0,
      expiresAt: T0 + 7 * DAY * 1000,
    })
    expect(created.setCookie).toContain(`=${created.value};`)
    expect(await sessions.read(browserRequest(created.setCookie))).toEqual(created.session)
  })

  it('omits user when onLogin returned nothing', async () => {
    const { sessions } = setup({ revocable: false })
    const created = await sessions.create(identity, undefined)
    const session = await sessions.read(browserRequest(created.setCookie))
    expect(session).toEqual({ identity, createdAt: T0, expiresAt: T0 + 7 * DAY * 1000 })
    expect(session && 'user' in session).toBe(false)
  })

  it('issues a new session id on every login, each with its own store record', async () => {
    const { sessions, inner } = setup()
    const a = await sessions.create(identity, user)
    const b = await sessions.create(identity, user)
    expect(a.value).not.toBe(b.value)
    expect(inner.size).toBe(2)
    // Revoking one leaves the other: the ids differ, not just the ciphertexts.
    await sessions.destroy(browserRequest(a.setCookie))
    expect(await sessions.read(browserRequest(a.setCookie))).toBeNull()
    expect(await sessions.read(browserRequest(b.setCookie))).not.toBeNull()
  })

  it('stores a record keyed by a 128-bit id, holding no token or profile', async () => {
    const inner = memoryStore()
    const keys: string[] = []
    const spy: Store = {
      ...inner,
      set: async (key, value, ttl) => {
        keys.push(key)
        expect(value).not.toContain(identity.profile?.nickname ?? '?')
        expect(ttl).toBe(7 * DAY * 1000)
        return inner.set(key, value, ttl)
      },
    }
    const spied = createSessions({
      sealer: createSealer(SECRET),
      store: spy,
      names: { session: 's' },
      secure: false,
      maxAge: 7 * DAY,
      revocable: true,
    })
    await spied.create(identity, user)
    await spied.create(identity, user)
    expect(keys).toHaveLength(2)
    for (const key of keys) expect(key).toMatch(/^session:[A-Za-z0-9_-]{22}$/)
    expect(keys[0]).not.toBe(keys[1])
  })

  it('returns null without a cookie, with garbage, or with a tampered cookie', async () => {
    const { sessions, name } = setup()
    const created = await sessions.create(identity, user)
    expect(await sessions.read(new Request('https://example.com/'))).toBeNull()
    const garbage = new Request('https://example.com/', { headers: { cookie: `${name}=%zz;;` } })
    expect(await sessions.read(garbage)).toBeNull()
    const v = created.value
    const i = Math.floor(v.length / 2)
    const tampered = v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1)
    const request = new Request('https://example.com/', {
      headers: { cookie: `${name}=${tampered}` },
    })
    expect(await sessions.read(request)).toBeNull()
  })

  it('refuses a cookie sealed under another secret', async () => {
    const { sessions } = setup({ revocable: false })
    const other = createSessions({
      sealer: createSealer('another-secret-0123456789-abcdefghijklmn'),
      store: memoryStore(),
      names: cookieNames({ prefix: 'wxauth', secure: true }),
      secure: true,
      maxAge: DAY,
      revocable: false,
    })
    const foreign = await other.create(identity, user)
    expect(await sessions.read(browserRequest(foreign.setCookie))).toBeNull()
  })

  it('returns null once expired (controllable clock), revocable or not', async () => {
    for (const revocable of [true, false]) {
      const { sessions, advance } = setup({ revocable, maxAge: 3600 })
      const created = await sessions.create(identity, user)
      advance(3599_000)
      expect(await sessions.read(browserRequest(created.setCookie))).not.toBeNull()
      advance(1_000)
      expect(await sessions.read(browserRequest(created.setCookie))).toBeNull()
    }
  })

  it('returns null for a revoked session (record deleted) when revocable', async () => {
    const { sessions, inner } = setup()
    const created = await sessions.create(identity, user)
    inner.clear()
    expect(await sessions.read(browserRequest(created.setCookie))).toBeNull()
  })

  it('does not consult the store when not revocable', async () => {
    const { sessions, inner, failing } = setup({ revocable: false })
    const created = await sessions.create(identity, user)
    expect(inner.size).toBe(0)
    failing.get = true
    expect(await sessions.read(browserRequest(created.setCookie))).not.toBeNull()
  })

  it('rejects, and gives no cookie, when the store cannot write the record', async () => {
    const { sessions, inner, failing } = setup()
    failing.set = true
    let result: unknown
    const error = await sessions.create(identity, user).then(
      (value) => {
        result = value
      },
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(StoreError)
    expect(result).toBeUndefined()
    expect(inner.size).toBe(0)
  })

  it('rejects with the StoreError when the store cannot be read (revocable)', async () => {
    const { sessions, failing } = setup()
    const created = await sessions.create(identity, user)
    failing.get = true
    await expect(sessions.read(browserRequest(created.setCookie))).rejects.toBeInstanceOf(
      StoreError,
    )
  })

  it('destroy deletes the record and returns a clearing cookie', async () => {
    const { sessions, inner, name } = setup()
    const created = await sessions.create(identity, user)
    const request = browserRequest(created.setCookie)
    const cleared = await sessions.destroy(request)
    expect(cleared).toMatch(new RegExp(`^${name}=; Max-Age=0; Path=/;`))
    expect(cleared).toContain('HttpOnly')
    expect(cleared).toContain('Secure')
    expect(inner.size).toBe(0)
    // A copy of the old cookie (e.g. stolen) no longer works.
    expect(await sessions.read(request)).toBeNull()
  })

  it('destroy clears the cookie even without a session, and rejects on a store outage', async () => {
    const { sessions, failing } = setup()
    expect(await sessions.destroy(new Request('https://example.com/'))).toContain('Max-Age=0')
    const created = await sessions.create(identity, user)
    failing.delete = true
    await expect(sessions.destroy(browserRequest(created.setCookie))).rejects.toBeInstanceOf(
      StoreError,
    )
    failing.delete = false
    expect(await sessions.read(browserRequest(created.setCookie))).not.toBeNull()
  })

  it('keeps a long profile and a ~1 KB user under 4 KB, and refuses a larger session', async () => {
    const { sessions, inner } = setup()
    expect(JSON.stringify(user).length).toBeGreaterThan(1_000)
    const created = await sessions.create(identity, user)
    const bytes = new TextEncoder().encode(created.setCookie).length
    expect(bytes).toBeLessThan(MAX_SESSION_COOKIE_BYTES)
    // Headroom a future field can rely on; measured, not guessed (2.8 KB today).
    expect(bytes).toBeLessThan(3_200)

    const before = inner.size
    const big = { blob: 'x'.repeat(5_000) }
    await expect(sessions.create(identity, big)).rejects.toThrow(
      /session cookie would be \d+ bytes, over the 4096/,
    )
    await expect(sessions.create(identity, big)).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    })
    // Checked before the store write: no orphan record.
    expect(inner.size).toBe(before)
  })

  it('sets HttpOnly, SameSite=Lax, Path=/, Secure and __Host- when secure', async () => {
    const { sessions } = setup({ secure: true })
    const { setCookie, value } = await sessions.create(identity, user)
    expect(setCookie).toBe(
      `__Host-wxauth_session=${value}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax`,
    )
    expect(setCookie).not.toMatch(/domain/i)
  })

  it('drops Secure and __Host- on plain-http localhost', async () => {
    const { sessions } = setup({ secure: false })
    const { setCookie, value } = await sessions.create(identity, user)
    expect(setCookie).toBe(
      `wxauth_session=${value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax`,
    )
    const back = browserRequest(setCookie, 'http://localhost:3000/')
    expect(readCookies(back).wxauth_session).toBe(value)
    expect(await sessions.read(back)).not.toBeNull()
  })

  it('refuses a __Host- name without secure, and bad lifetimes, at construction', () => {
    const base = {
      sealer: createSealer(SECRET),
      store: memoryStore(),
      revocable: false,
    }
    expect(() =>
      createSessions({
        ...base,
        names: { session: '__Host-x' },
        secure: false,
        maxAge: DAY,
      }),
    ).toThrow(/__Host-/)
    for (const maxAge of [0, -1, 1.5, 400 * DAY]) {
      expect(() =>
        createSessions({ ...base, names: { session: 'x' }, secure: false, maxAge }),
      ).toThrow(/maxAge/)
    }
  })

  it('does not read a session cookie under another name (e.g. the binding cookie)', async () => {
    const { sessions } = setup()
    const { value } = await sessions.create(identity, user)
    const request = new Request('https://example.com/', {
      headers: { cookie: `wxauth_tx=${value}` },
    })
    expect(await sessions.read(request)).toBeNull()
  })
})
