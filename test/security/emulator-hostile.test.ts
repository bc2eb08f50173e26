/**
 * The emulator under hostile input (issue 7 item 2): arbitrary query strings, methods, headers
 * and bodies on WeChat's API endpoints, its authorize/qrconnect pages, the emulator's own pages,
 * and the control API under /__emulator/.
 *
 * The emulator turns an internal exception into WeChat's `errcode -1` (API), an error page with
 * a developer hint (pages) or a 500 (control API); with no fault scripted, none of those may ever
 * appear. API endpoints always answer WeChat-shaped JSON; control routes answer garbage with 4xx.
 *
 * Parameter values may be symbols (`$SECRET`, `$CODE`, …) replaced by real ones inside the
 * property, so that deep code paths run while counterexamples never print a secret or a code.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { controlRoutes } from '../../src/emulator/control.js'
import { internalErrorHint } from '../../src/emulator/handler.js'
import {
  createEmulator,
  defaultComponent,
  defaultMiniProgram,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
  endpointNames,
} from '../helpers/emulator.js'
import { DESKTOP_UA, WECHAT_UA } from '../helpers/user-agent.js'
import { base62, garbageHeader, QUERY_PIECES, rawValue } from './arbitraries.js'
import { runs } from './harness.js'

const API = 'https://api.weixin.qq.com'
const OPEN = 'https://open.weixin.qq.com'
const EMULATOR = 'http://127.0.0.1:8900'
const MAX_URL = 8192

const API_PATHS = endpointNames.filter((e) => !e.startsWith('connect/')).map((e) => `/${e}`)
const PAGE_PATHS = ['/connect/oauth2/authorize', '/connect/qrconnect']
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

/** Symbols for real values, resolved per run (never shown in a counterexample). */
const SYMBOLS = [
  '$APPID',
  '$WEBAPPID',
  '$MPAPPID',
  '$COMPONENT',
  '$SECRET',
  '$WEBSECRET',
  '$CODE',
  '$JSCODE',
  '$TOKEN',
  '$REFRESH',
  '$OPENID',
  '$COMPONENT_TOKEN',
  '$REDIRECT',
] as const

const API_PARAMS = [
  'appid',
  'secret',
  'code',
  'grant_type',
  'access_token',
  'openid',
  'refresh_token',
  'js_code',
  'component_appid',
  'component_access_token',
  'lang',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'forcePopup',
  'forceSnapShot',
  'uuid',
  'request',
  'to',
  'app',
  'user',
  'decision',
]
const FIXED_VALUES = [
  'authorization_code',
  'refresh_token',
  'snsapi_base',
  'snsapi_userinfo',
  'snsapi_login',
  'snsapi_base,snsapi_userinfo',
  'code',
  'zh_CN',
  'en',
  'true',
  'allow',
  'deny',
  'zhangsan',
  'snapshot',
]

const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SYMBOLS) },
  { weight: 2, arbitrary: fc.constantFrom(...FIXED_VALUES) },
  { weight: 3, arbitrary: rawValue },
)
/** Complete, valid parameter sets, so that success paths run too (then mangled by extra pairs). */
const TEMPLATES = [
  'appid=$APPID&redirect_uri=$REDIRECT&response_type=code&scope=snsapi_userinfo&state=s',
  'appid=$WEBAPPID&redirect_uri=$REDIRECT&response_type=code&scope=snsapi_login&state=s',
  'appid=$APPID&secret=$SECRET&code=$CODE&grant_type=authorization_code',
  'appid=$APPID&grant_type=refresh_token&refresh_token=$REFRESH',
  'access_token=$TOKEN&openid=$OPENID',
  'access_token=$TOKEN&openid=$OPENID&lang=zh_CN',
  'appid=$MPAPPID&secret=$MPSECRET&js_code=$JSCODE&grant_type=authorization_code',
]
const randomPairs = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...API_PARAMS) },
        { weight: 1, arbitrary: fc.constantFrom(...QUERY_PIECES) },
      ),
      fc.constantFrom('=', '=', '=', ''),
      value,
    ),
    { maxLength: 9 },
  )
  .map((pairs) => pairs.map(([n, eq, v]) => `${n}${eq}${v}`).join('&'))
const query = fc.oneof(
  { weight: 4, arbitrary: randomPairs },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...TEMPLATES), fc.option(randomPairs, { nil: undefined }))
      .map(([template, extra]) => (extra === undefined ? template : `${template}&${extra}`)),
  },
)
const bodies = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 100 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  query,
  fc.uint8Array({ maxLength: 64 }),
)
const contentTypes = fc.constantFrom(
  undefined,
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
)
const userAgents = fc.oneof(fc.constantFrom(WECHAT_UA, DESKTOP_UA, undefined), garbageHeader)
const cookies = fc.oneof(
  fc.constant(undefined),
  garbageHeader,
  fc
    .tuple(
      fc.constantFrom('wxemu_user', 'wxemu_continue'),
      fc.oneof(fc.constantFrom('zhangsan', 'snapshot', '1', '%E0%A4', ''), base62(0, 20)),
    )
    .map(([n, v]) => `${n}=${v}`),
)

/** Replaces the symbols of `text` with real values from `emu` (fresh codes and tokens). */
function resolveSymbols(emu: Emulator, text: string): string {
  if (!text.includes('$')) return text
  const oa = defaultOfficialAccount
  const once = new Map<string, () => string>([
    ['$APPID', () => oa.appId],
    ['$WEBAPPID', () => defaultWebsiteApp.appId],
    ['$MPAPPID', () => defaultMiniProgram.appId],
    ['$COMPONENT_TOKEN', () => emu.componentAccessToken(defaultComponent.appId)],
    ['$COMPONENT', () => defaultComponent.appId],
    ['$WEBSECRET', () => defaultWebsiteApp.secret],
    ['$MPSECRET', () => defaultMiniProgram.secret],
    ['$SECRET', () => oa.secret],
    ['$CODE', () => emu.issueCode({ appId: oa.appId, user: 'zhangsan' })],
    ['$JSCODE', () => emu.miniProgramLogin({ appId: defaultMiniProgram.appId, user: 'zhangsan' })],
    ['$TOKEN', () => 'TOKEN'],
    ['$REFRESH', () => 'REFRESH'],
    ['$OPENID', () => emu.openid(oa.appId, 'zhangsan')],
    ['$REDIRECT', () => encodeURIComponent('http://localhost:3000/cb?x=1')],
  ])
  let out = text
  for (const [symbol, make] of once) {
    if (out.includes(symbol)) out = out.split(symbol).join(make())
  }
  return out
}

/** Fresh tokens for `$TOKEN`/`$REFRESH`, obtained the way an application would. */
async function withTokens(emu: Emulator, text: string): Promise<string> {
  if (!text.includes('$TOKEN') && !text.includes('$REFRESH')) return resolveSymbols(emu, text)
  const oa = defaultOfficialAccount
  const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
  const res = await emu.fetch(
    `${API}/sns/oauth2/access_token?appid=${oa.appId}&secret=${oa.secret}&code=${code}&grant_type=authorization_code`,
  )
  const body = (await res.json()) as { access_token: string; refresh_token: string }
  return resolveSymbols(
    emu,
    text.split('$TOKEN').join(body.access_token).split('$REFRESH').join(body.refresh_token),
  )
}

function requestInit(
  method: string,
  body: string | Uint8Array | undefined,
  headers: Record<string, string | undefined>,
): RequestInit {
  const h = new Headers()
  for (const [name, v] of Object.entries(headers)) if (v !== undefined) h.set(name, v)
  const init: RequestInit = { method, headers: h, redirect: 'manual' }
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    init.body = typeof body === 'string' ? body : new Uint8Array(body)
  }
  return init
}

/** No internal error surfaced: not a 5xx, not errcode -1, not the internal-error page. */
async function expectNoCrash(response: Response): Promise<string> {
  expect(response.status).toBeLessThan(500)
  expect(response.headers.get('logicret')).not.toBe('-1')
  const text = await response.text()
  expect(text.includes(internalErrorHint.zh) || text.includes(internalErrorHint.en)).toBe(false)
  return text
}

describe('WeChat API endpoints under hostile input', () => {
  it('never throw, never 5xx, always WeChat-shaped JSON (errcode/errmsg or a success body)', async () => {
    const emu = createEmulator()
    const paths = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...API_PATHS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...API_PATHS).map((p) => `${p.toUpperCase()}`),
      },
      { weight: 1, arbitrary: fc.constantFrom(...API_PATHS).map((p) => `${p}/`) },
    )
    let errors = 0
    let successes = 0
    await fc.assert(
      fc.asyncProperty(
        paths,
        query,
        fc.constantFrom(...METHODS),
        bodies,
        contentTypes,
        userAgents,
        async (path, q, method, body, contentType, ua) => {
          const target = `${API}${path}?${await withTokens(emu, q)}`
          const response = await emu.fetch(
            target,
            requestInit(method, body, { 'content-type': contentType, 'user-agent': ua }),
          )
          const text = await expectNoCrash(response)
          if (new URL(target).href.length > MAX_URL) {
            expect(response.status).toBe(414)
            return
          }
          if (!API_PATHS.includes(path)) {
            expect(response.status).toBe(404)
            return
          }
          expect(response.status).toBe(200)
          if (method === 'HEAD') {
            expect(text).toBe('')
            return
          }
          const json = JSON.parse(text) as Record<string, unknown>
          expect(typeof json).toBe('object')
          expect(json).not.toBeNull()
          if ('errcode' in json && json.errcode !== 0) {
            errors++
            expect(Object.keys(json)).toEqual(['errcode', 'errmsg'])
            expect(Number.isInteger(json.errcode)).toBe(true)
            expect(json.errcode).not.toBe(-1)
            expect(typeof json.errmsg).toBe('string')
            expect(response.headers.get('logicret')).toBe(String(json.errcode))
          } else {
            successes++
            expect(Object.keys(json).length).toBeGreaterThan(0)
          }
        },
      ),
      runs(2500, 0xe4a1),
    )
    expect(errors).toBeGreaterThan(1000)
    expect(successes).toBeGreaterThan(0)
  })

  it('a scripted 5xx comes from the scripted endpoint only, exactly as many times as scripted', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { status: 503 }, 3)
    const statuses: number[] = []
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_PATHS), query, async (path, q) => {
        const response = await emu.fetch(`${API}${path}?${resolveSymbols(emu, q)}`)
        if (path === '/sns/auth') statuses.push(response.status)
        else expect(response.status).toBeLessThan(500)
        await response.arrayBuffer()
      }),
      runs(300, 0xfa17),
    )
    expect(statuses.slice(0, 3)).toEqual([503, 503, 503])
    expect(statuses.slice(3).every((s) => s < 500)).toBe(true)
  })
})

describe('authorize and qrconnect pages under hostile input', () => {
  it('never throw, never 5xx, never the internal-error page; redirects only to the registered domains', async () => {
    const emu = createEmulator()
    let redirects = 0
    let pages = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGE_PATHS),
        query,
        fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT'),
        userAgents,
        cookies,
        fc.constantFrom(null, 'zhangsan', 'snapshot', 'lisi'),
        fc.boolean(),
        async (path, q, method, ua, cookie, auto, deny) => {
          emu.autoApprove(auto, { decision: deny ? 'deny' : 'allow' })
          const response = await emu.fetch(
            `${OPEN}${path}?${resolveSymbols(emu, q)}#wechat_redirect`,
            requestInit(method, undefined, { 'user-agent': ua, cookie }),
          )
          await expectNoCrash(response)
          const location = response.headers.get('location')
          if (location !== null) {
            redirects++
            expect(location).not.toMatch(/[\r\n\t\\ ]/)
            const url = new URL(location, EMULATOR)
            expect(['http:', 'https:']).toContain(url.protocol)
            // Back to a redirect_uri on a registered domain (localhost, 127.0.0.1, any port) or to the
            // emulator's own pages.
            expect(['localhost', '127.0.0.1']).toContain(url.hostname)
          } else if (method !== 'HEAD') {
            pages++
            expect(response.headers.get('content-type')).toMatch(/^text\/html/)
          }
        },
      ),
      runs(2000, 0x0a07),
    )
    expect(redirects).toBeGreaterThan(10)
    expect(pages).toBeGreaterThan(1000)
  })
})

describe('the emulator’s own pages under hostile input', () => {
  it('consent, continue, snapshot, user switch, avatars, QR polling, demo callback: never 5xx, never a foreign redirect', async () => {
    const emu = createEmulator()
    const pages = fc.oneof(
      fc.constantFrom(
        '/__emulator/consent',
        '/__emulator/continue',
        '/__emulator/current-user',
        '/__emulator/snapshot/browse',
        '/__emulator/snapshot/full',
        '/__emulator/demo/callback',
        '/',
        '/favicon.ico',
      ),
      fc
        .oneof(fc.constantFrom('zhangsan', '%E0%A4', '%00', '..%2F..', '%2F', ''), base62(1, 70))
        .map((id) => `/__emulator/avatar/${id}.svg`),
      fc
        .tuple(base62(1, 70), fc.constantFrom('status', 'scan', 'confirm', 'x'))
        .map(([uuid, action]) => `/__emulator/qr/${uuid}/${action}`),
    )
    await fc.assert(
      fc.asyncProperty(
        pages,
        query,
        fc.constantFrom('GET', 'POST', 'POST', 'HEAD', 'DELETE'),
        bodies,
        contentTypes,
        cookies,
        async (path, q, method, body, contentType, cookie) => {
          const response = await emu.fetch(
            `${EMULATOR}${path}?${resolveSymbols(emu, q)}`,
            requestInit(method, typeof body === 'string' ? resolveSymbols(emu, body) : body, {
              'content-type': contentType,
              cookie,
              'user-agent': WECHAT_UA,
            }),
          )
          await expectNoCrash(response)
          const location = response.headers.get('location')
          if (location !== null) {
            expect(location).not.toMatch(/[\r\n\t\\ ]/)
            expect(['localhost', '127.0.0.1']).toContain(new URL(location, EMULATOR).hostname)
          }
        },
      ),
      runs(2000, 0x9a6e),
    )
  })

  it('continue?to= is never an open redirect', async () => {
    const emu = createEmulator()
    const targets = fc.oneof(
      fc.constantFrom(
        '//evil.com',
        '/\\evil.com',
        '\\/evil.com',
        '/\t/evil.com',
        '/%09/evil.com',
        '/\n/evil.com',
        ' //evil.com',
        'https://evil.com',
        '/x/../\\evil.com',
        '/%5Cevil.com',
        '/%2F/evil.com',
        '／／evil.com',
        '/%E3%80%82/evil.com',
      ),
      rawValue,
    )
    await fc.assert(
      fc.asyncProperty(targets, fc.boolean(), async (to, encode) => {
        const q = encode ? encodeURIComponent(to.replace(/\p{Cs}/gu, '\uFFFD')) : to
        const response = await emu.fetch(`${EMULATOR}/__emulator/continue?to=${q}`, {
          redirect: 'manual',
        })
        expect(response.status).toBeLessThan(500)
        if (response.status === 414) return
        expect(response.status).toBe(302)
        const location = response.headers.get('location') ?? ''
        expect(location.startsWith('/')).toBe(true)
        expect(location).not.toMatch(/^[/\\]{2}/)
        expect(new URL(location, EMULATOR).origin).toBe(EMULATOR)
      }),
      runs(2000, 0xc0e7),
    )
  })
})

describe('the control API under hostile input', () => {
  const names = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...controlRoutes) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('faults-x', 'x', 'reset-', 'state-', 'requests-', 'constructor'),
    },
  )
  const fields = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'user',
        'decision',
        'endpoint',
        'times',
        'errcode',
        'errmsg',
        'status',
        'delay',
        'drop',
        'truncate',
        'nonJson',
        'contentType',
        'page',
        'headers',
        'advance',
        'appId',
        'componentAppId',
        'scope',
        'snapshot',
        'id',
        'nickname',
        'sex',
        'headimgurl',
        'privilege',
        'blocked',
        'kind',
        'secret',
        'domains',
        'scopes',
        'openPlatform',
        'authorizedComponents',
        'rate',
        'seed',
        'endpoints',
        'faults',
        'timeoutDelay',
        'off',
        '__proto__',
      ),
      fc.string({ maxLength: 6 }),
    ),
    fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        'zhangsan',
        'sns/auth',
        'connect/qrconnect',
        defaultOfficialAccount.appId,
        defaultComponent.appId,
        'official',
        'allow',
        0.5,
        ['sns/auth'],
        ['drop', 'nope'],
        [{ status: 503 }],
        true,
        1e308,
        -1,
        0,
        600_001,
        1_000_001,
        Number.MAX_SAFE_INTEGER,
      ),
    ),
    { maxKeys: 6 },
  )
  const body = fc.oneof(
    { weight: 4, arbitrary: fields.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '{', '{"a":', 'null', '[]', '"x"', '1') },
  )

  it('rejects garbage with 4xx, never answers 5xx, never breaks the emulator for later requests', async () => {
    const emu = createEmulator()
    let rejected = 0
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(
        names,
        fc.constantFrom('POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE'),
        body,
        fc.constantFrom('application/json', 'application/json', 'text/plain', undefined, ''),
        async (name, method, text, contentType) => {
          const response = await emu.fetch(
            `${EMULATOR}/__emulator/${name}`,
            requestInit(method, text, { 'content-type': contentType }),
          )
          expect(response.status).toBeLessThan(500)
          const answer = await response.text()
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            parsed = text.trim() === '' ? {} : undefined
          }
          const jsonObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          const garbage =
            !controlRoutes.has(name) ||
            !['GET', 'HEAD', 'POST'].includes(method) ||
            (method === 'POST' && (contentType !== 'application/json' || !jsonObject))
          if (garbage) {
            expect(response.status).toBeGreaterThanOrEqual(400)
            if (method !== 'HEAD') {
              expect(typeof (JSON.parse(answer) as { error?: unknown }).error).toBe('string')
            }
          }
          if (method === 'GET' || method === 'HEAD')
            expect([200, 404, 405]).toContain(response.status)
          if (response.status >= 300) {
            rejected++
            return
          }
          accepted++
          if (method !== 'POST') return
          // Whatever the script did (a user, an app, a clock jump, auto-approve), later WeChat
          // calls still answer without an internal error, unless it scripted faults.
          const state = (await (await emu.fetch(`${EMULATOR}/__emulator/state`)).json()) as {
            faults: unknown[]
            chaos?: unknown
          }
          if (state.faults.length === 0 && (state.chaos ?? null) === null) {
            const probe = await emu.fetch(`${API}/sns/auth?access_token=x&openid=y`)
            expect(probe.status).toBe(200)
            expect(((await probe.json()) as { errcode: number }).errcode).not.toBe(-1)
            const page = await emu.fetch(`${OPEN}/connect/qrconnect?appid=x`)
            await expectNoCrash(page)
          }
          emu.reset()
        },
      ),
      runs(2500, 0xc7a1),
    )
    expect(rejected).toBeGreaterThan(1500)
    expect(accepted).toBeGreaterThan(20)
  })

  it('a clock jump of 1e308 seconds is refused or harmless: the emulator keeps answering', async () => {
    const emu = createEmulator()
    const response = await emu.fetch(`${EMULATOR}/__emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 1e308 }),
    })
    expect(response.status).toBeLessThan(500)
    const state = await emu.fetch(`${EMULATOR}/__emulator/state`)
    expect(state.status).toBe(200)
    const probe = await emu.fetch(`${API}/sns/auth?access_token=x&openid=y`)
    expect(((await probe.json()) as { errcode: number }).errcode).toBe(40014)
    const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
    const exchange = await emu.fetch(
      `${API}/sns/oauth2/access_token?appid=${defaultOfficialAccount.appId}&secret=${defaultOfficialAccount.secret}&code=${code}&grant_type=authorization_code`,
    )
    expect(((await exchange.json()) as { errcode?: number }).errcode).not.toBe(-1)
    expect((await emu.fetch(`${EMULATOR}/`)).status).toBe(200)
  })
})
