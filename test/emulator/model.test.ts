import { describe, expect, it } from 'vitest'
import { OffsetClock } from '../../src/emulator/clock.js'
import { allowsRedirect } from '../../src/emulator/model/apps.js'
import { Codes } from '../../src/emulator/model/codes.js'
import { ExpiringMap } from '../../src/emulator/model/expiring-map.js'
import { Tokens } from '../../src/emulator/model/tokens.js'
import { appendParams } from '../../src/emulator/urls.js'

describe('clock', () => {
  it('adds an offset to the injected wall clock, and reset drops it', () => {
    let wall = 1_000
    const clock = new OffsetClock(() => wall)
    clock.advance(2.5)
    expect(clock.now()).toBe(3_500)
    wall = 2_000
    expect(clock.now()).toBe(4_500)
    clock.reset()
    expect(clock.now()).toBe(2_000)
    expect(() => clock.advance(Number.NaN)).toThrow(/advance/)
  })
})

describe('memory stays bounded', () => {
  it('expiring entries are swept lazily on later writes', () => {
    const map = new ExpiringMap<{ purgeAt: number }>()
    for (let i = 0; i < 100; i++) map.set(`k${i}`, { purgeAt: 1_000 }, 0)
    expect(map.size).toBe(100)
    map.set('later', { purgeAt: 200_000 }, 61_000)
    expect(map.size).toBe(1)
  })

  it('a burst of writes triggers a sweep by size', () => {
    const map = new ExpiringMap<{ purgeAt: number }>()
    map.set('first', { purgeAt: 10 }, 0)
    for (let i = 0; i < 2000; i++) map.set(`k${i}`, { purgeAt: i < 1000 ? 5 : 1e9 }, 20)
    expect(map.size).toBeLessThan(2001)
  })

  it('a hard cap drops the oldest entries', () => {
    const map = new ExpiringMap<{ purgeAt: number }>(10)
    for (let i = 0; i < 25; i++) map.set(`k${i}`, { purgeAt: 1e12 }, 0)
    expect(map.size).toBe(10)
    expect(map.get('k14')).toBeUndefined()
    expect(map.get('k15')).toBeDefined()
  })

  it('at the cap the oldest goes first, also after re-sets, deletes and a clear', () => {
    const map = new ExpiringMap<{ purgeAt: number }>(100)
    const far = Number.POSITIVE_INFINITY
    for (let i = 0; i < 10_000; i++) map.set(`k${i}`, { purgeAt: far }, 0)
    expect(map.size).toBe(100)
    expect(map.get('k9899')).toBeUndefined()
    expect(map.get('k9900')).toBeDefined()
    // A key evicted and set again is the newest, not the next to go.
    map.set('k0', { purgeAt: far }, 0)
    map.set('new', { purgeAt: far }, 0)
    expect(map.get('k0')).toBeDefined()
    expect(map.get('k9900')).toBeUndefined()
    expect(map.get('k9901')).toBeUndefined()
    map.delete('k9950')
    map.set('after-delete', { purgeAt: far }, 0)
    expect(map.size).toBe(100)
    map.clear()
    for (let i = 0; i < 150; i++) map.set(`c${i}`, { purgeAt: far }, 0)
    expect(map.size).toBe(100)
    expect(map.get('c49')).toBeUndefined()
    expect(map.get('c50')).toBeDefined()
  })

  it('expired codes and tokens are purged', () => {
    const codes = new Codes()
    for (let i = 0; i < 50; i++)
      codes.issue({ appId: 'a', userId: 'u', scope: 's', snapshot: false }, 300, 0)
    codes.sweep(300_000)
    expect(codes.size).toBe(0)
    const tokens = new Tokens()
    const { access, refresh } = tokens.issue(
      { appId: 'a', userId: 'u', openid: 'o', scope: 's', snapshot: false },
      { accessSeconds: 7200, refreshDays: 30 },
      0,
    )
    tokens.sweep(7_200_000 + 86_400_000)
    expect(tokens.access(access.token)).toBeUndefined()
    expect(tokens.refresh(refresh.token, 0)).toBeDefined()
    tokens.sweep(30 * 86_400_000)
    expect(tokens.refresh(refresh.token, 0)).toBeUndefined()
  })
})

describe('callback URLs', () => {
  it.each([
    ['https://a.example/cb', 'https://a.example/cb?code=C&state=S'],
    ['https://a.example/cb?x=1', 'https://a.example/cb?x=1&code=C&state=S'],
    ['https://a.example/cb?', 'https://a.example/cb?code=C&state=S'],
    ['https://a.example/cb?x=1&', 'https://a.example/cb?x=1&code=C&state=S'],
    ['https://a.example/#/route?y=2', 'https://a.example/?code=C&state=S#/route?y=2'],
  ])('%s → %s', (uri, expected) => {
    expect(
      appendParams(uri, [
        ['code', 'C'],
        ['state', 'S'],
      ]),
    ).toBe(expected)
  })
})

describe('authorized domains', () => {
  const app = {
    appId: 'a',
    secret: 's',
    kind: 'official' as const,
    domains: ['www.qq.com', 'dev.qq.com:8080', 'localhost:*'],
  }
  it.each([
    ['http://www.qq.com/music.html', true],
    ['https://www.qq.com/', true],
    ['http://pay.qq.com/', false],
    ['http://qq.com/', false],
    ['http://www.qq.com:8080/', false],
    ['http://dev.qq.com:8080/', true],
    ['http://dev.qq.com/', false],
    ['http://localhost:5173/', true],
    ['http://localhost/', true],
    ['ftp://www.qq.com/', false],
  ])('%s → %s', (uri, ok) => {
    expect(allowsRedirect(app, new URL(uri))).toBe(ok)
  })
})
