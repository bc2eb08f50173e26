import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clearCookie, cookieNames, readCookies, setCookie } from '../../src/flow/cookies.js'

const withCookie = (cookie: string): Request =>
  new Request('https://example.com/', { headers: { cookie } })

describe('readCookies', () => {
  it('reads the Cookie header by name', () => {
    expect({ ...readCookies(withCookie('a=1; wxauth_tx=abc.DEF-_~')) }).toEqual({
      a: '1',
      wxauth_tx: 'abc.DEF-_~',
    })
  })

  it('is empty without a Cookie header', () => {
    expect({ ...readCookies(new Request('https://example.com/')) }).toEqual({})
    expect({ ...readCookies(withCookie('')) }).toEqual({})
  })

  it('keeps the first of duplicate names', () => {
    expect(readCookies(withCookie('a=first; a=second')).a).toBe('first')
  })

  it('tolerates odd spacing, empty pairs, quotes and names without values', () => {
    const cookies = readCookies(withCookie(' ;  a = 1 ;;b=; noequals; c="quoted" ; =x; d=4'))
    expect(cookies.a).toBe('1')
    expect(cookies.b).toBe('')
    expect(cookies.c).toBe('"quoted"')
    expect(cookies.d).toBe('4')
  })

  it('leaves a malformed % escape as it is instead of throwing', () => {
    const cookies = readCookies(withCookie('bad=%E0%A4%A; worse=%; ok=%41'))
    expect(cookies.bad).toBe('%E0%A4%A')
    expect(cookies.worse).toBe('%')
    expect(cookies.ok).toBe('A')
  })

  it('decodes percent-encoded unicode', () => {
    expect(readCookies(withCookie(`u=${encodeURIComponent('微信 ✓')}`)).u).toBe('微信 ✓')
  })

  it('treats __proto__ as an ordinary name', () => {
    const cookies = readCookies(withCookie('__proto__=x; constructor=y'))
    expect(Object.getOwnPropertyDescriptor(cookies, '__proto__')?.value).toBe('x')
    expect(cookies.constructor).toBe('y')
    expect(Object.getPrototypeOf(cookies)).toBeNull()
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('never throws on any header a client can send (property)', () => {
    // Headers accept Latin-1 text without CR, LF or NUL; anything else a client cannot send.
    const latin1 = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
    })
    const pieces = fc.array(
      fc.oneof(latin1, fc.constantFrom(';', '=', '%', '%zz', '"', ',', ' ', '\t', '__proto__=')),
      { maxLength: 30 },
    )
    fc.assert(
      fc.property(pieces, (parts) => {
        const header = parts.join('')
        let request: Request
        try {
          request = withCookie(header)
        } catch {
          return // not a valid header value at all
        }
        const cookies = readCookies(request)
        for (const value of Object.values(cookies)) expect(typeof value).toBe('string')
      }),
      { numRuns: 1_000 },
    )
  })
})

describe('cookieNames', () => {
  it('uses __Host- for the session and binding cookies when secure', () => {
    expect(cookieNames({ prefix: 'wxauth', secure: true })).toEqual({
      session: '__Host-wxauth_session',
      binding: '__Host-wxauth_tx',
    })
  })

  it('drops __Host- on plain http, where browsers would refuse it', () => {
    expect(cookieNames({ prefix: 'app', secure: false })).toEqual({
      session: 'app_session',
      binding: 'app_tx',
    })
  })

  it('refuses prefixes that are not cookie-name safe or that claim a browser prefix', () => {
    for (const prefix of ['', 'a b', 'a;b', 'a=b', 'é', 'x'.repeat(65), '__Host-x', '__secure-x']) {
      expect(() => cookieNames({ prefix, secure: true })).toThrow(TypeError)
    }
  })
})

describe('setCookie and clearCookie', () => {
  it('snapshot: secure session cookie', () => {
    expect(
      setCookie('__Host-wxauth_session', 'abc.def', { maxAge: 604800, path: '/', secure: true }),
    ).toMatchInlineSnapshot(
      `"__Host-wxauth_session=abc.def; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax"`,
    )
  })

  it('snapshot: binding cookie scoped to the auth path', () => {
    expect(
      setCookie('wxauth_tx', 'R4nd0m', { maxAge: 900, path: '/auth/wechat', secure: true }),
    ).toMatchInlineSnapshot(
      `"wxauth_tx=R4nd0m; Max-Age=900; Path=/auth/wechat; HttpOnly; Secure; SameSite=Lax"`,
    )
  })

  it('snapshot: plain-http localhost has no Secure', () => {
    expect(
      setCookie('wxauth_session', 'v', { maxAge: 60, path: '/', secure: false }),
    ).toMatchInlineSnapshot(`"wxauth_session=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"`)
  })

  it('snapshot: clearing', () => {
    expect(clearCookie('__Host-wxauth_session', { path: '/', secure: true })).toMatchInlineSnapshot(
      `"__Host-wxauth_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"`,
    )
  })

  it('never sets Domain, never SameSite=Strict or None', () => {
    const header = setCookie('n', 'v', { maxAge: 1, path: '/', secure: true })
    expect(header).not.toMatch(/domain/i)
    expect(header).not.toMatch(/samesite=(strict|none)/i)
  })

  it('enforces the __Host- and __Secure- rules instead of emitting a cookie browsers drop', () => {
    expect(() => setCookie('__Host-s', 'v', { maxAge: 1, path: '/', secure: false })).toThrow(
      /__Host-/,
    )
    expect(() => setCookie('__host-s', 'v', { maxAge: 1, path: '/x', secure: true })).toThrow(
      /__Host-/,
    )
    expect(() => clearCookie('__Host-s', { path: '/', secure: false })).toThrow(/__Host-/)
    expect(() => setCookie('__Secure-s', 'v', { maxAge: 1, path: '/x', secure: false })).toThrow(
      /__Secure-/,
    )
    expect(() =>
      setCookie('__Secure-s', 'v', { maxAge: 1, path: '/x', secure: true }),
    ).not.toThrow()
  })

  it('refuses bad names, values, paths and ages without quoting the value', () => {
    const options = { maxAge: 1, path: '/', secure: true }
    for (const name of ['', 'a b', 'a;b', 'a=b', 'ü']) {
      expect(() => setCookie(name, 'v', options)).toThrow(TypeError)
    }
    for (const value of [
      'SECRET VALUE',
      'SECRET;x',
      'SECRET,x',
      'SECRET%41',
      'SECRET"',
      'SECRETü',
    ]) {
      let message = ''
      try {
        setCookie('n', value, options)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/value must be/)
      expect(message).not.toContain('SECRET')
    }
    for (const maxAge of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => setCookie('n', 'v', { ...options, maxAge })).toThrow(/maxAge/)
    }
    for (const path of ['', 'relative', '/a;b', '/a\nb']) {
      expect(() => setCookie('n', 'v', { ...options, path })).toThrow(/path/)
    }
  })

  it('round-trips through readCookies', () => {
    const value = 'eyJhbGciOiJkaXIifQ..iv.ct.tag'
    const header = setCookie('wxauth_session', value, { maxAge: 60, path: '/', secure: false })
    const pair = header.split(';')[0] ?? ''
    expect(readCookies(withCookie(`other=1; ${pair}`)).wxauth_session).toBe(value)
  })
})
