import { describe, expect, it } from 'vitest'
import { CANARY, canaryCode, canarySecret } from '../helpers/canary.js'
import { buildAuthorizeUrl, buildQrConnectUrl, createClient } from '../helpers/wxauth.js'

const appId = 'wx1234567890abcdef'
const redirectUri = 'https://www.example.com/auth/wechat/callback?from=menu&x=1'

/** The query of a built link, in order, as WeChat's regex match sees it. */
function paramNames(url: string): string[] {
  return [...new URL(url).searchParams.keys()]
}

describe('official account authorize link', () => {
  it('puts parameters in the documented order and ends with #wechat_redirect', () => {
    const url = buildAuthorizeUrl({ appId, redirectUri, scope: 'snsapi_userinfo', state: 'k3Jd9' })
    expect(url).toBe(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${appId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_userinfo&state=k3Jd9#wechat_redirect`,
    )
    expect(paramNames(url)).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state'])
  })

  it('encodes the redirect URI exactly once', () => {
    const url = new URL(buildAuthorizeUrl({ appId, redirectUri, state: 's' }))
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri)
    expect(url.href).not.toContain('%2525')
  })

  it('defaults to snsapi_base; an explicitly empty state is sent as state=', () => {
    const url = new URL(buildAuthorizeUrl({ appId, redirectUri, state: '' }))
    expect(url.searchParams.get('scope')).toBe('snsapi_base')
    expect(url.href).toContain('&state=#wechat_redirect')
  })

  it('rejects a missing state at run time too (callers without types)', () => {
    expect(() => buildAuthorizeUrl({ appId, redirectUri } as never)).toThrow(/state must be/)
  })

  it('adds forcePopup and forceSnapShot after the required parameters', () => {
    const url = buildAuthorizeUrl({
      appId,
      redirectUri,
      state: 'a',
      forcePopup: true,
      forceSnapShot: true,
    })
    expect(paramNames(url)).toEqual([
      'appid',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
      'forcePopup',
      'forceSnapShot',
    ])
    expect(url).toMatch(/forcePopup=true&forceSnapShot=true#wechat_redirect$/)
  })

  it('adds component_appid right after state for a third-party platform', () => {
    const url = buildAuthorizeUrl({
      appId,
      redirectUri,
      state: 's1',
      componentAppId: 'wxcomponent0000001',
    })
    expect(url).toMatch(/&state=s1&component_appid=wxcomponent0000001#wechat_redirect$/)
  })

  it('uses openBaseUrl for the emulator', () => {
    const url = buildAuthorizeUrl({
      appId,
      redirectUri,
      state: 's',
      openBaseUrl: 'http://127.0.0.1:8900/',
    })
    expect(url.startsWith('http://127.0.0.1:8900/connect/oauth2/authorize?')).toBe(true)
  })

  it.each([
    [
      'a state with symbols',
      { state: 'a=b' },
      /state must be at most 128 characters of \[A-Za-z0-9\]/,
    ],
    ['a state of 129 characters', { state: 'a'.repeat(129) }, /state must be at most 128/],
    ['a unicode state', { state: '状态' }, /state must be/],
    ['snsapi_login', { scope: 'snsapi_login' }, /scope must be "snsapi_base" or "snsapi_userinfo"/],
    [
      'a relative redirect URI',
      { redirectUri: '/callback' },
      /redirectUri must be an absolute http\(s\) URL/,
    ],
    [
      'a javascript: redirect URI',
      { redirectUri: 'javascript:alert(1)' },
      /got the scheme "javascript:"/,
    ],
    [
      'a redirect URI with a fragment',
      { redirectUri: 'https://a.com/cb#x' },
      /must not contain a fragment/,
    ],
    [
      'a redirect URI with credentials',
      { redirectUri: 'https://u:p@a.com/cb' },
      /must not carry credentials/,
    ],
    ['a bad app id', { appId: 'wx 1' }, /appId must be a WeChat AppID/],
  ])('rejects %s with a clear TypeError', (_name, override, message) => {
    const options = { appId, redirectUri, state: 's', ...override } as Parameters<
      typeof buildAuthorizeUrl
    >[0]
    expect(() => buildAuthorizeUrl(options)).toThrow(message)
    try {
      buildAuthorizeUrl(options)
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' })
    }
  })

  it('accepts a 128-character alphanumeric state', () => {
    const state = 'aZ09'.repeat(32)
    expect(
      new URL(buildAuthorizeUrl({ appId, redirectUri, state })).searchParams.get('state'),
    ).toBe(state)
  })
})

describe('website QR login link', () => {
  it('uses connect/qrconnect with snsapi_login in the documented order', () => {
    const url = buildQrConnectUrl({ appId, redirectUri, state: 'q1', lang: 'en' })
    expect(url).toBe(
      `https://open.weixin.qq.com/connect/qrconnect?appid=${appId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_login&state=q1&lang=en#wechat_redirect`,
    )
  })

  it.each([
    ['an official account scope', { scope: 'snsapi_userinfo' }, /scope must be "snsapi_login"/],
    ['an unknown lang', { lang: 'fr' }, /lang must be "cn" or "en"/],
    ['a bad state', { state: '-' }, /state must be/],
  ])('rejects %s', (_name, override, message) => {
    const options = { appId, redirectUri, state: 's', ...override } as Parameters<
      typeof buildQrConnectUrl
    >[0]
    expect(() => buildQrConnectUrl(options)).toThrow(message)
  })
})

describe('client link builders', () => {
  it('build for the client app and its open base URL', () => {
    const client = createClient({
      appId,
      appSecret: canarySecret(),
      openBaseUrl: 'http://localhost:8900',
    })
    expect(client.authorizeUrl({ redirectUri, scope: 'snsapi_userinfo', state: 's' })).toMatch(
      /^http:\/\/localhost:8900\/connect\/oauth2\/authorize\?appid=wx1234567890abcdef&/,
    )
    expect(client.qrConnectUrl({ redirectUri, state: 's' })).toMatch(
      /^http:\/\/localhost:8900\/connect\/qrconnect\?/,
    )
  })

  it('a component client adds component_appid to the authorize link', () => {
    const client = createClient({
      appId,
      component: { appId: 'wxcomponent0000001', accessToken: () => 'token' },
    })
    expect(client.authorizeUrl({ redirectUri, state: 's' })).toContain(
      '&component_appid=wxcomponent0000001#',
    )
  })
})

describe('client options', () => {
  it.each([
    ['no appSecret and no component', { appId }, /appSecret is required/],
    ['an empty appSecret', { appId, appSecret: ' ' }, /appSecret must be a non-empty string/],
    [
      'a non-http apiBaseUrl',
      { appId, appSecret: 's', apiBaseUrl: 'ftp://x' },
      /apiBaseUrl must be an absolute http\(s\) URL/,
    ],
    ['a zero timeout', { appId, appSecret: 's', timeout: 0 }, /timeout must be a positive number/],
    [
      'a timeout past the timer limit',
      { appId, appSecret: 's', timeout: 3e9 },
      /timeout must be a positive number up to 2147483647/,
    ],
    [
      'a maxDelay past the timer limit',
      { appId, appSecret: 's', retry: { maxDelay: 3e9 } },
      /retry.maxDelay must be a number from 0/,
    ],
    [
      'negative retries',
      { appId, appSecret: 's', retry: { retries: -1 } },
      /retry.retries must be an integer/,
    ],
    [
      'a component without accessToken',
      { appId, component: { appId } },
      /component.accessToken must be a function/,
    ],
  ])('rejects %s', (_name, options, message) => {
    expect(() => createClient(options as Parameters<typeof createClient>[0])).toThrow(message)
  })

  it('rejects bad call arguments before sending anything, without quoting them', async () => {
    let calls = 0
    const client = createClient({
      appId,
      appSecret: canarySecret(),
      fetch: async () => {
        calls++
        return new Response('{}')
      },
    })
    const secretish = `${canaryCode()}\u0000`
    await expect(client.exchangeCode(secretish)).rejects.toThrow(
      /code must not contain spaces or control characters/,
    )
    await expect(client.exchangeCode('')).rejects.toThrow(/code must be a non-empty string/)
    await expect(client.exchangeCode('a'.repeat(513))).rejects.toThrow(/at most 512/)
    await expect(client.getUserInfo('tok', '../etc')).rejects.toThrow(
      /openid must be a WeChat openid/,
    )
    await expect(client.getUserInfo('tok', 'o1', { lang: 'fr' as 'en' })).rejects.toThrow(
      /lang must be/,
    )
    await expect(client.refreshToken(' ')).rejects.toThrow(/refreshToken must not contain spaces/)
    await client
      .exchangeCode(secretish)
      .catch((error: Error) => expect(error.message).not.toContain(CANARY))
    expect(calls).toBe(0)
  })
})
