/**
 * No open redirect through `returnTo` (issue 7 item 2; security.md SEC-10, SEC-11, TST-02 P2).
 * WeChat checks only the callback's domain, so one open redirector on it lets anyone harvest codes.
 *
 * Every payload of the corpus below goes through the whole flow in a browser — login with
 * `returnTo=<payload>` (percent-encoded, and raw as pasted into a link), WeChat's page, the callback,
 * the final redirect — and through the refusal page, the logout redirect and the guidance link.
 * Each time the browser must end on the app's origin: the `Location` parses to it, carries no
 * CR/LF, tab or backslash, and its path does not start with `//` (protocol-relative if ever
 * re-used as a relative URL). Then a fast-check property over `resolveReturnTo` itself.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveReturnTo } from '../../src/flow/return-to.js'
import { PHONE_UA } from '../helpers/user-agent.js'
import { QUERY_PIECES } from './arbitraries.js'
import {
  BASE,
  CALLBACK_URL,
  createHarness,
  type Harness,
  hasUnsafeUrlChar,
  ORIGIN,
  runs,
} from './harness.js'

const OPEN = 'https://open.weixin.qq.com'

/** Written by hand: the classic bypasses, by family. */
const HANDWRITTEN = [
  // Protocol-relative and slash games.
  '//evil.com',
  '///evil.com',
  '////evil.com',
  '//evil.com/',
  '//evil.com/%2F..',
  '//evil.com@localhost:3000',
  '//localhost:3000@evil.com',
  '//localhost:3000.evil.com',
  '//evil.com\\@localhost:3000',
  '//localhost:3000\\@evil.com',
  // Backslashes (browsers read \ as / in http URLs; flask-multipass #94).
  '/\\evil.com',
  '\\/evil.com',
  '\\\\evil.com',
  '\\evil.com',
  '/\\/evil.com',
  '/\\\\evil.com',
  '\\\\/evil.com',
  '/\\\\/evil.com',
  '/../\\evil.com',
  'https:\\\\evil.com',
  'https:/\\evil.com',
  'http:/\\/\\/evil.com',
  'http:\\\\evil.com',
  'https:///evil.com',
  // Whitespace and control characters that browsers strip or ignore.
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r/evil.com',
  '\t//evil.com',
  ' //evil.com',
  '\n//evil.com',
  '/ /evil.com',
  '/\u0000/evil.com',
  '/\u000b/evil.com',
  '/\u000c/evil.com',
  '/\u007f/evil.com',
  '/%09/evil.com',
  '/%0a/evil.com',
  '/%0d/evil.com',
  '/%00/evil.com',
  '/%20/evil.com',
  // Percent-encoded slashes and backslashes, once and twice.
  '%2F%2Fevil.com',
  '%2f%2fevil.com',
  '/%2F%2Fevil.com',
  '/%2Fevil.com',
  '/%2f/evil.com',
  '%5C%5Cevil.com',
  '/%5Cevil.com',
  '/%5cevil.com',
  '%5C/evil.com',
  '/%5C/evil.com',
  '/%252F%252Fevil.com',
  '%252F%252Fevil.com',
  '/%25%32%46/evil.com',
  '/%2e%2e//evil.com',
  '/%2e%2e/%2fevil.com',
  '/.%2e//evil.com',
  '/%2e./%2fevil.com',
  '/%2e/%2e%2e//evil.com',
  '/%C0%AF%C0%AFevil.com',
  '/%c0%ae%c0%ae/evil.com',
  // Dot segments that normalise into "//host".
  '/..//evil.com',
  '/./..//evil.com',
  '/.//evil.com',
  '/a/../../evil.com',
  '/a/..//evil.com',
  '/a/%2e%2e//evil.com',
  '/a/../%2F%2Fevil.com',
  '/%2e%2e/%2f%2fevil.com',
  '/./evil.com:80',
  '/..',
  '/../',
  '/../../evil.com',
  // Schemes.
  'https://evil.com',
  'http://evil.com',
  'HTTPS://evil.com',
  'https:evil.com',
  'https:/evil.com',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'javascript://%0aalert(1)',
  ' javascript:alert(1)',
  '\tjavascript:alert(1)',
  'java\tscript:alert(1)',
  'java%09script:alert(1)',
  '/javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://evil.com',
  'mailto:a@evil.com',
  'weixin://dl/business',
  'blob:https://evil.com/0000',
  '/x:y',
  'http://localhost:3000.evil.com',
  'http://localhost:3000@evil.com',
  'http://evil.com#localhost:3000',
  'http://evil.com?localhost:3000',
  `${ORIGIN}@evil.com`,
  `${ORIGIN}/ok`,
  'http://localhost:3000\\@evil.com',
  // Userinfo, bare hosts, dots.
  '@evil.com',
  '/@evil.com',
  '//@evil.com',
  '/@/evil.com',
  'evil.com',
  '.evil.com',
  '/.evil.com',
  'evil.com/',
  'www.evil.com',
  '/evil.com',
  '/~evil.com',
  '/;//evil.com',
  '/;@evil.com',
  ';//evil.com',
  "/'//evil.com",
  '/"//evil.com',
  // Unicode look-alikes of / and \, invisible characters, IDN.
  '／／evil.com',
  '/／evil.com',
  '＼＼evil.com',
  '/＼evil.com',
  '⁄⁄evil.com',
  '/⁄evil.com',
  '∕∕evil.com',
  '/∕evil.com',
  '。evil.com',
  '/\u200b/evil.com',
  '/\ufeff/evil.com',
  '\u202e//moc.live',
  '/\u00a0/evil.com',
  '/\u3000/evil.com',
  '/\u2028/evil.com',
  '/\u0085/evil.com',
  '//evil。com',
  '//ｅｖｉｌ.com',
  '//xn--80ak6aa92e.com',
  '//аpple.com',
  '//例子.测试',
  '//xn--fsqu00a.xn--0zwm56d',
  'https://例子.测试',
  '/%E2%81%84%E2%81%84evil.com',
  '/%EF%BC%8F%EF%BC%8Fevil.com',
  // Header injection (CR/LF, encoded, double-encoded, the "嘊嘍" UTF-8 trick).
  '/%0d%0aSet-Cookie:%20wxauth_session=x',
  '/%0D%0ALocation:%20https://evil.com',
  '/\r\nSet-Cookie: a=b',
  '/%E5%98%8A%E5%98%8DSet-Cookie:a=b',
  '/%u000d%u000aSet-Cookie:a',
  '/\u010d\u010aSet-Cookie:a',
  '/%250d%250aSet-Cookie:a',
  // Long values.
  `/${'a'.repeat(511)}`,
  `/${'a'.repeat(600)}`,
  `//${'a'.repeat(600)}.com`,
  `/${'a'.repeat(4000)}//evil.com`,
  // Queries, fragments, and plain garbage.
  '',
  ' ',
  '/',
  '#',
  '?',
  '?next=//evil.com',
  '#//evil.com',
  '/#//evil.com',
  '/?//evil.com',
  '/?next=https://evil.com',
  '/path?x=//evil.com#//evil.com',
  '/%',
  '/%zz',
  '/%E0%A4',
  '/\uD800',
  '&returnTo=//evil.com',
  'null',
  'undefined',
  '[object Object]',
  '/<script>alert(1)</script>',
  '/%3Cscript%3E',
  '/\u0000',
  '/%00',
  '/./evil.com',
]

/** Generated: every way to spell "the start of another authority", before every host form. */
const PREFIXES = [
  '//',
  '/\\',
  '\\\\',
  '\\/',
  '/%2F',
  '%2F%2F',
  '/%5C',
  'https://',
  'https:',
  '/\t/',
  '／／',
  '/@',
]
const HOSTS = [
  'evil.com',
  'localhost:3000@evil.com',
  'evil.com@localhost:3000',
  'evil.com%2f@localhost:3000',
  '127.0.0.1',
  '0x7f.1',
  '[::1]',
  '2130706433',
  'evil.com:80',
  'evil.com\\.localhost:3000',
]
const GENERATED = PREFIXES.flatMap((prefix) => HOSTS.map((host) => `${prefix}${host}`))

const CORPUS = [...new Set([...HANDWRITTEN, ...GENERATED])]

/** Legitimate return paths: they must survive (so the checks above are not "always fall back"). */
const LEGITIMATE: [string, string][] = [
  ['/orders?id=7', '/orders?id=7'],
  ['/a/b/c', '/a/b/c'],
  ['/search?q=%E5%BE%AE%E4%BF%A1', '/search?q=%E5%BE%AE%E4%BF%A1'],
  ['/page#section', '/page#section'],
  ['/a/../b', '/b'],
  ['/?next=//evil.com', '/?next=//evil.com'],
]

/** The two ways a payload reaches the query: encoded by a careful client, or pasted raw. */
const SPELLINGS: [string, (payload: string) => string][] = [
  // A lone surrogate is sent as U+FFFD, as a browser's UTF-8 encoder does.
  ['encoded', (payload) => encodeURIComponent(payload.replace(/\p{Cs}/gu, '\uFFFD'))],
  ['raw', (payload) => payload],
]

/** A Location header value is on the site and could not be read as another host. */
function expectOnSite(location: string | null, base = CALLBACK_URL): void {
  expect(location).not.toBeNull()
  const value = location ?? ''
  expect(hasUnsafeUrlChar(value)).toBe(false)
  const url = new URL(value, base)
  expect(url.origin).toBe(ORIGIN)
  expect(url.pathname.startsWith('//')).toBe(false)
  // Absolute on this origin, or a path (never protocol-relative, never scheme-relative).
  if (!value.startsWith(`${ORIGIN}/`)) {
    expect(value.startsWith('/')).toBe(true)
    expect(value.startsWith('//')).toBe(false)
  }
}

/** Every link of an HTML page, HTML-unescaped. */
function links(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"'),
  )
}

/** Runs `check` for every payload × spelling; reports all failures at once. */
async function everyPayload(
  payloads: string[],
  check: (query: string) => Promise<void>,
): Promise<number> {
  const failures: string[] = []
  let cases = 0
  for (const payload of payloads) {
    for (const [spelling, spell] of SPELLINGS) {
      cases++
      try {
        await check(spell(payload))
      } catch (error) {
        failures.push(`${JSON.stringify(payload)} (${spelling}): ${(error as Error).message}`)
      }
    }
  }
  expect(failures).toEqual([])
  return cases
}

async function loginWith(h: Harness, query: string) {
  const b = h.browser()
  const final = await b.navigate(`${BASE}/login?returnTo=${query}`)
  return { b, final }
}

describe('SEC-10: the open-redirect corpus through the whole flow', () => {
  it(`has at least 150 payloads (${CORPUS.length})`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150)
  })

  it('after login, the browser always lands on the app’s origin', async () => {
    const h = await createHarness()
    const cases = await everyPayload(CORPUS, async (query) => {
      const { b, final } = await loginWith(h, query)
      expect(final.status).toBe(200)
      expect(await final.text()).toMatch(/^hello o/)
      // The browser only ever visited the app and WeChat.
      for (const hop of b.hops) expect([ORIGIN, OPEN]).toContain(new URL(hop.url).origin)
      // SEC-10: returnTo went neither into state nor into redirect_uri.
      const authorize = new URL(b.hops[0]?.location ?? '')
      expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK_URL)
      expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{22,128}$/)
      const callback = b.hops.find((hop) => hop.url.startsWith(CALLBACK_URL))
      expect(callback?.status).toBe(303)
      expectOnSite(callback?.location ?? null)
      expect(callback?.location?.startsWith(`${ORIGIN}/`)).toBe(true)
    })
    expect(cases).toBe(CORPUS.length * 2)
  })

  it('when the user refuses, every link of the page stays on the app’s origin', async () => {
    const h = await createHarness()
    h.emu.autoApprove('zhangsan', { decision: 'deny', keep: true })
    const exchanges = h.emu.count('sns/oauth2/access_token')
    await everyPayload(CORPUS, async (query) => {
      const { final } = await loginWith(h, query)
      expect(final.status).toBe(200)
      const hrefs = links(await final.text())
      expect(hrefs.length).toBeGreaterThan(0)
      for (const href of hrefs) expectOnSite(href)
    })
    expect(h.emu.count('sns/oauth2/access_token')).toBe(exchanges)
  })

  it('logout’s returnTo always redirects to the app’s origin', async () => {
    const h = await createHarness()
    const b = h.browser()
    await b.navigate(`${BASE}/login`)
    await everyPayload(CORPUS, async (query) => {
      const response = await b.request(`${BASE}/logout?returnTo=${query}`, {
        method: 'POST',
        headers: { origin: ORIGIN },
      })
      expect(response.status).toBe(303)
      expectOnSite(response.headers.get('location'))
      expect(response.headers.get('location')?.startsWith(`${ORIGIN}/`)).toBe(true)
    })
  })

  it('the guidance link for phones outside WeChat carries only a path on the site', async () => {
    const h = await createHarness()
    await everyPayload(CORPUS, async (query) => {
      const b = h.browser(PHONE_UA)
      const response = await b.request(`${BASE}/login?returnTo=${query}`, {
        headers: { accept: 'application/json' },
      })
      expect(response.status).toBe(200)
      const loginUrl = new URL(((await response.json()) as { loginUrl: string }).loginUrl)
      expect(loginUrl.origin).toBe(ORIGIN)
      expectOnSite(loginUrl.searchParams.get('returnTo'))
    })
  })

  it('a lost cookie restarts the login with the same safe path (the restart link is relative)', async () => {
    const h = await createHarness()
    const exchanges = h.emu.count('sns/oauth2/access_token')
    await everyPayload(CORPUS, async (query) => {
      const b = h.browser()
      await b.request(`${BASE}/login?returnTo=${query}`)
      b.cookies.clear()
      const authorize = await b.request(b.hops[0]?.location ?? '')
      const restart = await b.request(authorize.headers.get('location') ?? '')
      expect(restart.status).toBe(303)
      const location = restart.headers.get('location') ?? ''
      expectOnSite(location)
      expect(location).toMatch(/^\/auth\/wechat\/login\?returnTo=/)
      expectOnSite(new URL(location, ORIGIN).searchParams.get('returnTo'))
    })
    expect(h.emu.count('sns/oauth2/access_token')).toBe(exchanges)
  })

  it('legitimate return paths survive the whole flow', async () => {
    const h = await createHarness()
    for (const [returnTo, expected] of LEGITIMATE) {
      const { b } = await loginWith(h, encodeURIComponent(returnTo))
      const callback = b.hops.find((hop) => hop.url.startsWith(CALLBACK_URL))
      expect(callback?.location).toBe(`${ORIGIN}${expected}`)
    }
  })
})

describe('TST-02 P2: resolveReturnTo always yields a path on the configured origin', () => {
  const dangerous = fc.oneof(
    fc.constantFrom(...CORPUS),
    fc.constantFrom(...PREFIXES, ...HOSTS, '/', '.', '..', '%2e', '%2E%2E', '@', ':', '?', '#'),
    fc.constantFrom(...QUERY_PIECES),
  )
  const candidates = fc.oneof(
    { weight: 4, arbitrary: fc.array(dangerous, { maxLength: 6 }).map((parts) => parts.join('')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...CORPUS), fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }))
        .map(([p, at, s]) => p.slice(0, at % (p.length + 1)) + s + p.slice(at % (p.length + 1))),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.webPath().map((p) => `/${p}`) },
    { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  )
  const origins = fc.constantFrom(ORIGIN, 'https://app.example.com', 'https://例子.测试:8443')
  const fallbacks = fc.constantFrom('/', '/home', '/a/b?c=d')

  it('∀ input: a path, no backslash or control character, same origin however it is resolved', () => {
    fc.assert(
      fc.property(candidates, origins, fallbacks, (input, configured, fallback) => {
        const origin = new URL(configured).origin
        const result = resolveReturnTo(input, origin, fallback)
        expect(result.startsWith('/')).toBe(true)
        expect(result.startsWith('//')).toBe(false)
        expect(hasUnsafeUrlChar(result)).toBe(false)
        expect(new URL(result, origin).origin).toBe(origin)
        expect(new URL(`${origin}${result}`).origin).toBe(origin)
        expect(new URL(result, `${origin}/deep/er/path`).origin).toBe(origin)
        // What the flow puts in Location is a valid header value.
        expect(() => new Headers({ Location: `${origin}${result}` })).not.toThrow()
      }),
      runs(10_000, 0x2ed1),
    )
  })

  it('∀ input: the result is stable (a resolved path resolves to itself, e.g. across a restart)', () => {
    fc.assert(
      fc.property(candidates, (input) => {
        const result = resolveReturnTo(input, ORIGIN, '/')
        expect(resolveReturnTo(result, ORIGIN, '/')).toBe(result)
      }),
      runs(10_000, 0x57ab),
    )
  })

  it('∀ input: the result decoded once still does not start another authority', () => {
    fc.assert(
      fc.property(candidates, (input) => {
        const result = resolveReturnTo(input, ORIGIN, '/')
        expect(decodesToAnotherAuthority(result)).toBe(false)
      }),
      runs(10_000, 0xdec0),
    )
  })

  // resolveReturnTo used to check its input (raw, and decoded once) but not its output after URL
  // normalisation: dot segments remove what stood before, so "/a/../%2F%2Fevil.com" and
  // "/%2e%2e/%2fevil.com" resolved to "/%2F%2Fevil.com" and "/%2fevil.com", which decode to
  // "///evil.com" and "//evil.com"; "/./evil.com:80" became "/evil.com:80". The Location stayed on
  // the origin, but any layer that decodes the path once and redirects would leave it.
  it('regression: dot segments in front of an encoded slash ("/%2e%2e/%2fevil.com") fall back', () => {
    for (const input of [
      '/%2e%2e/%2fevil.com',
      '/%2e./%2fevil.com',
      '/.%2e/%2Fevil.com',
      '/a/%2e%2e/%2fevil.com',
      '/a/../%2F%2Fevil.com',
      '/%2e%2e/%2f%2fevil.com',
    ]) {
      const result = resolveReturnTo(input, ORIGIN, '/')
      expect(decodesToAnotherAuthority(result), input).toBe(false)
    }
  })

  // Same cause: the result of dot-segment normalisation was not re-checked.
  it('regression: a resolved return path resolves to itself ("/./evil.com:80", "/../x:y")', () => {
    for (const input of [
      '/./evil.com:80',
      '/../x:y',
      '/%2e%2e/%2fevil.com',
      '/a/../%2F%2Fevil.com',
    ]) {
      const result = resolveReturnTo(input, ORIGIN, '/')
      expect(resolveReturnTo(result, ORIGIN, '/'), input).toBe(result)
    }
  })
})

/** Whether `path`, percent-decoded once, starts another authority or holds a backslash. */
function decodesToAnotherAuthority(path: string): boolean {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return false
  }
  return decoded.startsWith('//') || decoded.includes('\\')
}
