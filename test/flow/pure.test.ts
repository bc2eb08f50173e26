/** Environment detection, return-URL validation (SEC-10) and state generation (SEC-01). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { environmentOf } from '../../src/flow/environment.js'
import { randomBase62 } from '../../src/flow/random.js'
import { resolveReturnTo } from '../../src/flow/return-to.js'

const UA = {
  wechatIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 14_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.0(0x1800002a) NetType/WIFI Language/zh_CN',
  wechatAndroid:
    'Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/5235 MMWEBSDK/20230805 MMWEBID/1234 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  wechatWindows:
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2785.116 Safari/537.36 QBCore/4.0.1301.400 QQBrowser/9.0.2524.400 Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2875.116 Safari/537.36 NetType/WIFI MicroMessenger/6.5.2.501 NetType/WIFI WindowsWechat',
  wecom:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22 Language/zh',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  chromeDesktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
}

describe('environment', () => {
  it.each([
    ['WeChat on iOS', UA.wechatIos, 'wechat'],
    ['WeChat on Android', UA.wechatAndroid, 'wechat'],
    ['PC WeChat', UA.wechatWindows, 'wechat'],
    ['WeCom (which also says MicroMessenger)', UA.wecom, 'wecom'],
    ['Safari on iPhone', UA.safariIphone, 'mobile'],
    ['Chrome on Android', UA.chromeAndroid, 'mobile'],
    ['Chrome on Windows', UA.chromeDesktop, 'desktop'],
    ['Safari on a Mac', UA.safariMac, 'desktop'],
    ['no user agent', null, 'desktop'],
  ])('%s → %s', (_name, ua, expected) => {
    expect(environmentOf(ua)).toBe(expected)
  })
})

describe('return URL', () => {
  const origin = 'https://app.example.com'
  const fallback = '/'

  it.each([
    '//evil.com',
    '///evil.com',
    '/\\evil.com',
    '/%5Cevil.com',
    '/%5cevil.com',
    '\\\\evil.com',
    'https://evil.com',
    'https:\\\\evil.com',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '\t/evil.com',
    ' /evil.com',
    '/\t/evil.com',
    '%2F%2Fevil.com',
    '/%2F%2Fevil.com',
    '/%2f/evil.com',
    '/..//evil.com',
    'evil.com',
    '/javascript:alert(1)',
    '/\u0000/evil.com',
    '/\r\n/evil.com',
    '/%',
    `/${'a'.repeat(3000)}`,
  ])('rejects %j', (value) => {
    expect(resolveReturnTo(value, origin, fallback)).toBe(fallback)
  })

  it.each([
    ['/', '/'],
    ['/dashboard', '/dashboard'],
    ['/a/b?x=1&y=%E4%B8%AD#top', '/a/b?x=1&y=%E4%B8%AD#top'],
    ['/path/../other', '/other'],
    ['/%E5%BE%AE%E4%BF%A1', '/%E5%BE%AE%E4%BF%A1'],
  ])('accepts %j', (value, expected) => {
    expect(resolveReturnTo(value, origin, fallback)).toBe(expected)
  })

  it('for any string, the result stays on the configured origin (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.webPath(),
          fc.string({ unit: 'grapheme' }).map((s) => `/${s}`),
        ),
        (value) => {
          const result = resolveReturnTo(value, origin, fallback)
          expect(result.startsWith('/')).toBe(true)
          expect(new URL(result, origin).origin).toBe(origin)
          expect(result.startsWith('//')).toBe(false)
        },
      ),
      { numRuns: 5_000, seed: 4242 },
    )
  })
})

describe('state', () => {
  it('is 43 characters of [A-Za-z0-9] (256 bits), unique over 100,000 draws', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 100_000; i++) {
      const state = randomBase62()
      expect(state).toMatch(/^[A-Za-z0-9]{43}$/)
      seen.add(state)
    }
    expect(seen.size).toBe(100_000)
    expect(43 * Math.log2(62)).toBeGreaterThan(128)
  })

  it('uses every character about equally (no modulo bias)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2_000; i++) {
      for (const c of randomBase62()) counts.set(c, (counts.get(c) ?? 0) + 1)
    }
    expect(counts.size).toBe(62)
    const expected = (2_000 * 43) / 62
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.8)
      expect(count).toBeLessThan(expected * 1.2)
    }
  })
})
