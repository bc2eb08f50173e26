/** Chaos mode: seeded, rate-based fault injection, from JavaScript and over the control API. */
import { describe, expect, it } from 'vitest'
import {
  type ChaosFaultKind,
  type ChaosOptions,
  chaosFaultKinds,
  createEmulator,
  type Emulator,
  EmulatorConfigError,
  type EndpointName,
} from '../helpers/emulator.js'
import { API, call, controlPost, exchange, login, oa } from './helpers.js'

const BASE = 'http://127.0.0.1:8900/__emulator'

/** One sns/auth call; what the app would see, or 'dropped' / the rejection's name. */
async function authCall(emu: Emulator, init?: RequestInit): Promise<string> {
  try {
    const res = await emu.fetch(`${API}/sns/auth?access_token=a&openid=b`, init)
    return `${res.status} ${res.headers.get('content-type')} ${await res.text()}`
  } catch (error) {
    return (error as Error).name === 'TypeError' ? 'dropped' : (error as Error).name
  }
}

/** The chaos kind each logged request got (`-` for none). */
function kindsOf(emu: Emulator): string[] {
  return emu.requests.map((entry) => entry.chaos ?? '-')
}

function sum(counts: Record<string, number> | undefined): number {
  return Object.values(counts ?? {}).reduce((a, b) => a + b, 0)
}

/** Any kind but timeout (which would wait), for runs over many calls. */
const quickKinds = chaosFaultKinds.filter((k) => k !== 'timeout')

describe('chaos mode: options', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['not an object', 'often', /^"chaos" must be an object, or null/],
    ['rate missing', {}, /^"chaos\.rate" must be a number 0-1$/],
    ['rate above 1', { rate: 1.5 }, /"chaos\.rate"/],
    ['rate negative', { rate: -0.1 }, /"chaos\.rate"/],
    ['rate NaN', { rate: Number.NaN }, /"chaos\.rate"/],
    ['rate as text', { rate: '0.2' }, /"chaos\.rate"/],
    ['seed fractional', { rate: 0.2, seed: 1.5 }, /^"chaos\.seed" must be an integer/],
    ['seed negative', { rate: 0.2, seed: -1 }, /"chaos\.seed"/],
    ['seed over 32 bits', { rate: 0.2, seed: 2 ** 32 }, /"chaos\.seed"/],
    ['endpoints empty', { rate: 0.2, endpoints: [] }, /^"chaos\.endpoints" must be a non-empty/],
    ['endpoints not a list', { rate: 0.2, endpoints: 'sns/auth' }, /"chaos\.endpoints"/],
    [
      'an unknown endpoint',
      { rate: 0.2, endpoints: ['sns/auth', 'sns/nope'] },
      /^"chaos\.endpoints\[1\]" is not an endpoint: "sns\/nope"$/,
    ],
    ['faults empty', { rate: 0.2, faults: [] }, /^"chaos\.faults" must be a list/],
    [
      'an unknown kind',
      { rate: 0.2, faults: ['drop', 'meltdown'] },
      /^"chaos\.faults\[1\]" is not a fault kind \(one of systemBusy, serverError, timeout, drop, truncate, nonJson, textPlain\)$/,
    ],
    [
      'a bad fault object',
      { rate: 0.2, faults: [{ delay: 'slow' }] },
      /^"chaos\.faults\[0\]\.delay" must be 0-600000 ms$/,
    ],
    [
      'a fault object with a stray field',
      { rate: 0.2, faults: [{ explode: true }] },
      /^"chaos\.faults\[0\]\.explode" is not a fault field/,
    ],
    [
      'timeoutDelay zero',
      { rate: 0.2, timeoutDelay: 0 },
      /^"chaos\.timeoutDelay" must be 1-600000 ms$/,
    ],
    ['timeoutDelay huge', { rate: 0.2, timeoutDelay: 600_001 }, /"chaos\.timeoutDelay"/],
    [
      'an unknown option',
      { rate: 0.2, ratio: 0.3 },
      /^"chaos\.ratio" is not a chaos option \(one of rate, seed, endpoints, faults, timeoutDelay\)$/,
    ],
  ]

  it.each(invalid)('rejects %s, naming the field', (_, options, message) => {
    const emu = createEmulator()
    let error: unknown
    try {
      emu.chaos(options as ChaosOptions)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EmulatorConfigError)
    expect((error as Error).message).toMatch(message)
  })

  it('a rejected start leaves the running chaos mode as it was', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/auth'], faults: ['systemBusy'] })
    expect(() => emu.chaos({ rate: 2 })).toThrow(EmulatorConfigError)
    expect((await call(emu, '/sns/auth', { access_token: 'a', openid: 'b' })).body.errcode).toBe(-1)
  })

  it('applies defaults: a random seed (shown), the JSON API endpoints, every kind, 10 s', () => {
    const emu = createEmulator()
    const settings = emu.chaos({ rate: 0.3 })
    expect(settings).toMatchObject({ rate: 0.3, timeoutDelay: 10_000 })
    expect(Number.isInteger(settings?.seed)).toBe(true)
    expect(settings?.faults).toEqual([...chaosFaultKinds])
    expect(settings?.endpoints).toContain('sns/oauth2/access_token')
    expect(settings?.endpoints).toContain('sns/userinfo')
    expect(settings?.endpoints).not.toContain('connect/oauth2/authorize')
    expect(settings?.endpoints).not.toContain('connect/qrconnect')
    // Duplicates collapse.
    expect(emu.chaos({ rate: 0.3, endpoints: ['sns/auth', 'sns/auth'] })?.endpoints).toEqual([
      'sns/auth',
    ])
  })
})

describe('chaos mode: which calls fail', () => {
  it('is deterministic: the same seed and calls give the same faults; another seed does not', async () => {
    async function run(seed: number): Promise<string[]> {
      const emu = createEmulator()
      emu.chaos({ rate: 0.3, seed, endpoints: ['sns/auth'], faults: quickKinds })
      for (let i = 0; i < 200; i++) await authCall(emu)
      // The answers too, not only the kinds (serverError draws its status from the generator).
      return emu.requests.map((e) => `${e.chaos ?? '-'}:${e.status}`)
    }
    const first = await run(42)
    expect(await run(42)).toEqual(first)
    expect(await run(43)).not.toEqual(first)
    expect(first.some((s) => s.startsWith('serverError:'))).toBe(true)
  })

  it('a default seed replays: starting again with the seed it shows gives the same faults', async () => {
    const emu = createEmulator()
    const { seed } = emu.chaos({ rate: 0.5, endpoints: ['sns/auth'], faults: quickKinds }) ?? {}
    for (let i = 0; i < 50; i++) await authCall(emu)
    const first = kindsOf(emu)
    emu.reset()
    emu.chaos({ rate: 0.5, seed, endpoints: ['sns/auth'], faults: quickKinds })
    for (let i = 0; i < 50; i++) await authCall(emu)
    expect(kindsOf(emu)).toEqual(first)
  })

  it('honours the rate over 2000 calls, with every kind picked', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 0.2, seed: 7, endpoints: ['sns/auth'], faults: quickKinds })
    for (let i = 0; i < 2000; i++) await authCall(emu)
    const report = emu.chaosReport()
    expect(report.calls).toBe(2000)
    // Wide tolerance: this checks the rate is used, not the generator's statistics.
    expect(report.injected).toBeGreaterThan(300)
    expect(report.injected).toBeLessThan(500)
    for (const kind of quickKinds) expect(report.byKind[kind], kind).toBeGreaterThan(20)
    expect(sum(report.byKind)).toBe(report.injected)
    expect(report.byEndpoint).toEqual({ 'sns/auth': report.byKind })
  })

  it('rate 0 never fails; rate 1 always does', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 0, seed: 1 })
    for (let i = 0; i < 50; i++) await authCall(emu)
    expect(emu.chaosReport()).toMatchObject({ calls: 50, injected: 0 })
    emu.chaos({ rate: 1, seed: 1, faults: ['systemBusy', 'serverError'] })
    for (let i = 0; i < 50; i++) await authCall(emu)
    expect(emu.chaosReport()).toMatchObject({ calls: 50, injected: 50 })
  })

  it('touches only the chosen endpoints, and counts only their calls', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/userinfo'], faults: ['systemBusy'] })
    const tokens = await login(emu)
    expect(tokens).toHaveProperty('access_token')
    for (let i = 0; i < 5; i++) await authCall(emu)
    const info = await call(emu, '/sns/userinfo', {
      access_token: tokens.access_token,
      openid: tokens.openid,
    })
    expect(info.body.errcode).toBe(-1)
    expect(emu.chaosReport()).toEqual({
      calls: 1,
      injected: 1,
      byKind: { systemBusy: 1 },
      byEndpoint: { 'sns/userinfo': { systemBusy: 1 } },
    })
  })

  it('pages fail only when chosen explicitly', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    emu.chaos({ rate: 1, seed: 1, endpoints: ['connect/oauth2/authorize'], faults: ['nonJson'] })
    const res = await emu.fetch(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${oa.appId}&redirect_uri=${encodeURIComponent('http://localhost:3000/cb')}&response_type=code&scope=snsapi_base&state=s#wechat_redirect`,
      { redirect: 'manual' },
    )
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('<title>502 Bad Gateway</title>')
  })

  it('scripted faults come first and take no draw', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/auth'], faults: ['systemBusy'] })
    emu.fail('sns/auth', { errcode: 45009 })
    expect(await authCall(emu)).toContain('"errcode":45009')
    expect(await authCall(emu)).toContain('"errcode":-1')
    expect(emu.chaosReport()).toMatchObject({ calls: 1, injected: 1 })
    expect(emu.requests.map((e) => [e.fault, e.chaos])).toEqual([
      [{ errcode: 45009 }, undefined],
      [{ errcode: -1 }, 'systemBusy'],
    ])
  })

  it('faults of your own are picked too, counted by their place in the list', async () => {
    const emu = createEmulator()
    emu.chaos({
      rate: 1,
      seed: 3,
      endpoints: ['sns/auth'],
      faults: ['drop', { errcode: 45011, status: 200 }],
    })
    const seen = new Set<string>()
    for (let i = 0; i < 40; i++) seen.add(await authCall(emu))
    expect([...seen].some((s) => s.includes('"errcode":45011'))).toBe(true)
    expect(seen).toContain('dropped')
    const { byKind } = emu.chaosReport()
    expect(Object.keys(byKind).sort()).toEqual(['custom:1', 'drop'])
  })
})

describe('chaos mode: what each kind does', () => {
  const one = (kind: ChaosFaultKind, endpoint: EndpointName, extra: Partial<ChaosOptions> = {}) => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 1, endpoints: [endpoint], faults: [kind], ...extra })
    return emu
  }

  it('systemBusy: errcode -1 instead of the answer; the code stays usable', async () => {
    const emu = one('systemBusy', 'sns/oauth2/access_token')
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    expect((await exchange(emu, code)).body).toMatchObject({ errcode: -1 })
    emu.chaos(null)
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
  })

  it('serverError: 500, 502 or 503 on the processed answer; the code is spent', async () => {
    const emu = one('serverError', 'sns/oauth2/access_token')
    const statuses = new Set<number>()
    for (let i = 0; i < 30; i++) {
      const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
      statuses.add((await exchange(emu, code)).status)
      if (i === 0) {
        emu.chaos(null)
        expect((await exchange(emu, code)).body.errcode).toBe(40163)
        emu.chaos({
          rate: 1,
          seed: 1,
          endpoints: ['sns/oauth2/access_token'],
          faults: ['serverError'],
        })
      }
    }
    expect([...statuses].sort()).toEqual([500, 502, 503])
  })

  it('timeout: holds the answer for timeoutDelay, so a client with a shorter timeout gives up', async () => {
    const emu = one('timeout', 'sns/auth', { timeoutDelay: 60_000 })
    expect(await authCall(emu, { signal: AbortSignal.timeout(20) })).toBe('TimeoutError')
    // A request the client gave up on is not in the request log; the report counts it.
    expect(emu.chaosReport().byKind).toEqual({ timeout: 1 })
  })

  it('drop: the connection fails after the request was processed (in-process: ECONNRESET)', async () => {
    const emu = one('drop', 'sns/oauth2/access_token')
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    await expect(exchange(emu, code)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNRESET' },
    })
    emu.chaos(null)
    expect((await exchange(emu, code)).body.errcode).toBe(40163)
  })

  it('truncate: half a JSON body', async () => {
    const emu = createEmulator()
    const tokens = await login(emu)
    emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/userinfo'], faults: ['truncate'] })
    const res = await call(emu, '/sns/userinfo', {
      access_token: tokens.access_token,
      openid: tokens.openid,
    })
    expect(res.status).toBe(200)
    expect(() => JSON.parse(res.text)).toThrow()
    expect(res.text.startsWith('{"openid":')).toBe(true)
  })

  it('nonJson: a proxy’s HTML 502 page', async () => {
    const emu = one('nonJson', 'sns/auth')
    const res = await call(emu, '/sns/auth', { access_token: 'a', openid: 'b' })
    expect(res.status).toBe(502)
    expect(res.contentType).toBe('text/html')
    expect(res.text).toContain('<center>nginx</center>')
  })

  it('textPlain: the valid answer, labelled text/plain', async () => {
    const emu = one('textPlain', 'sns/oauth2/access_token')
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const res = await exchange(emu, code)
    expect(res.contentType).toBe('text/plain')
    expect(res.body).toHaveProperty('access_token')
  })

  it('over a socket: a dropped connection destroys the socket; a timeout waits past the client', async () => {
    const emu = createEmulator()
    const { url } = await emu.listen({ port: 0 })
    try {
      emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/auth'], faults: ['drop'] })
      await expect(fetch(`${url}/sns/auth?access_token=a&openid=b`)).rejects.toThrow(TypeError)
      emu.chaos({ rate: 1, seed: 1, endpoints: ['sns/auth'], faults: ['timeout'] })
      await expect(
        fetch(`${url}/sns/auth?access_token=a&openid=b`, { signal: AbortSignal.timeout(50) }),
      ).rejects.toMatchObject({ name: 'TimeoutError' })
      expect(emu.chaosReport().byKind).toEqual({ timeout: 1 })
    } finally {
      await emu.close()
    }
  })
})

describe('chaos mode: report, stop and reset', () => {
  it('stop keeps the report; a new start begins a new one; reset clears both', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 9, endpoints: ['sns/auth'], faults: ['serverError'] })
    for (let i = 0; i < 3; i++) await authCall(emu)
    expect(emu.chaos(null)).toBeNull()
    expect(await authCall(emu)).toMatch(/^200 /)
    expect(emu.chaosReport()).toEqual({
      calls: 3,
      injected: 3,
      byKind: { serverError: 3 },
      byEndpoint: { 'sns/auth': { serverError: 3 } },
    })
    emu.chaos({ rate: 0, seed: 9 })
    expect(emu.chaosReport()).toMatchObject({ calls: 0, injected: 0, byKind: {} })
    emu.chaos({ rate: 1, seed: 9, endpoints: ['sns/auth'], faults: ['systemBusy'] })
    await authCall(emu)
    emu.reset()
    expect(emu.chaosReport()).toEqual({ calls: 0, injected: 0, byKind: {}, byEndpoint: {} })
    expect(await authCall(emu)).toMatch(/^200 /)
  })

  it('the report is a copy', async () => {
    const emu = createEmulator()
    emu.chaos({ rate: 1, seed: 9, endpoints: ['sns/auth'], faults: ['systemBusy'] })
    await authCall(emu)
    const report = emu.chaosReport()
    report.injected = 99
    ;(report.byKind as Record<string, number>).systemBusy = 99
    expect(emu.chaosReport()).toMatchObject({ injected: 1, byKind: { systemBusy: 1 } })
  })
})

describe('code usage', () => {
  it('counts exchanges, distinct codes and repeats, and never shows a code', async () => {
    const emu = createEmulator()
    const a = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const b = emu.issueCode({ appId: oa.appId, user: 'lisi' })
    await exchange(emu, a)
    await exchange(emu, b)
    await exchange(emu, a)
    // A request without a code is not an exchange of one.
    await call(emu, '/sns/oauth2/access_token', { appid: oa.appId })
    expect(emu.codeUsage()).toEqual({ exchanges: 3, codes: 2, repeats: 1 })
    const state = await (await emu.fetch(`${BASE}/state`)).text()
    expect(JSON.parse(state).codeUsage).toEqual({ exchanges: 3, codes: 2, repeats: 1 })
    expect(state).not.toContain(a)
    expect(state).not.toContain(b)
    emu.reset()
    expect(emu.codeUsage()).toEqual({ exchanges: 0, codes: 0, repeats: 0 })
  })

  it('counts a code the answer to which was lost (a dropped connection)', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.fail('sns/oauth2/access_token', { drop: true })
    await exchange(emu, code).catch(() => undefined)
    await exchange(emu, code)
    expect(emu.codeUsage()).toEqual({ exchanges: 2, codes: 1, repeats: 1 })
  })
})

describe('chaos mode over the control API', () => {
  it('POST /__emulator/chaos starts it and answers the settings and report; GET reads them', async () => {
    const emu = createEmulator()
    const started = await controlPost(emu, 'chaos', {
      rate: 1,
      seed: 5,
      endpoints: ['sns/auth'],
      faults: ['nonJson', { errcode: 45009 }],
    })
    expect(started).toEqual({
      status: 200,
      body: {
        chaos: {
          rate: 1,
          seed: 5,
          endpoints: ['sns/auth'],
          faults: ['nonJson', { errcode: 45009 }],
          timeoutDelay: 10_000,
        },
        report: { calls: 0, injected: 0, byKind: {}, byEndpoint: {} },
      },
    })
    for (let i = 0; i < 10; i++) await authCall(emu)
    const read = (await (await emu.fetch(`${BASE}/chaos`)).json()) as {
      report: { injected: number }
    }
    expect(read.report.injected).toBe(10)
    const state = (await (await emu.fetch(`${BASE}/state`)).json()) as Record<string, unknown>
    expect(state.chaos).toMatchObject({ rate: 1, seed: 5 })
    expect(state.chaosReport).toMatchObject({ calls: 10, injected: 10 })
  })

  it('{"off": true} stops it; the report stays', async () => {
    const emu = createEmulator()
    await controlPost(emu, 'chaos', { rate: 1, seed: 5, endpoints: ['sns/auth'] })
    await authCall(emu)
    const stopped = await controlPost(emu, 'chaos', { off: true })
    expect(stopped.status).toBe(200)
    expect(stopped.body).toMatchObject({ chaos: null, report: { calls: 1, injected: 1 } })
    expect(await authCall(emu)).toMatch(/^200 /)
    const state = (await (await emu.fetch(`${BASE}/state`)).json()) as Record<string, unknown>
    expect(state.chaos).toBeNull()
  })

  it('answers 400 naming the bad field, and leaves chaos mode alone', async () => {
    const emu = createEmulator()
    const bad: [unknown, RegExp][] = [
      [{ rate: 2 }, /"chaos\.rate"/],
      [{ rate: 0.5, endpoints: ['sns/nope'] }, /"chaos\.endpoints\[0\]"/],
      [{ rate: 0.5, faults: [{ status: 99 }] }, /"chaos\.faults\[0\]\.status"/],
      [{ rate: 0.5, seed: 'abc' }, /"chaos\.seed"/],
      [{ off: false }, /"off" must be true/],
      [{ off: true, rate: 1 }, /takes no other field/],
    ]
    for (const [body, message] of bad) {
      const res = await controlPost(emu, 'chaos', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error).toMatch(message)
    }
    expect((await controlPost(emu, 'chaos', '[1]')).status).toBe(400)
    const state = (await (await emu.fetch(`${BASE}/state`)).json()) as Record<string, unknown>
    expect(state.chaos).toBeNull()
  })

  it('other methods are refused with the allowed ones; POST reset stops and clears it', async () => {
    const emu = createEmulator()
    const put = await emu.fetch(`${BASE}/chaos`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(put.status).toBe(405)
    expect(await put.json()).toEqual({ error: 'use GET or POST /__emulator/chaos' })
    await controlPost(emu, 'chaos', { rate: 1, seed: 5, endpoints: ['sns/auth'] })
    await authCall(emu)
    await controlPost(emu, 'reset', {})
    expect(await (await emu.fetch(`${BASE}/chaos`)).json()).toEqual({
      chaos: null,
      report: { calls: 0, injected: 0, byKind: {}, byEndpoint: {} },
    })
  })

  it('GET /__emulator/constructor is a 404, not the emulator’s internals (regression)', async () => {
    // `get[name]` used to find Object.prototype.constructor and answer the Core serialized.
    const emu = createEmulator()
    const res = await emu.fetch(`${BASE}/constructor`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: 'no control endpoint /__emulator/constructor' })
    expect((await controlPost(emu, 'constructor', {})).status).toBe(404)
  })
})
