import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/emulator/pages/html.js'
import { toWebResponse } from '../../src/flow/http.js'
import {
  COPY_SCRIPT,
  COPY_SCRIPT_HASH,
  htmlResponse as flowHtmlResponse,
  jsonResponse as flowJsonResponse,
  problemResponse as flowProblemResponse,
  isProblemCode,
  PAGE_CSP,
  type PageLang,
  PROBLEM_CODES,
  PROBLEMS,
  type ProblemCode,
  pageLang,
  problemJson,
  problemStatus,
  qrCodeSvg,
  renderOpenInWeChat,
  renderProblem,
  renderScanQr,
  renderSnapshot,
  renderWeCom,
  wantsJson,
} from '../../src/flow/pages/index.js'

// The flow builds its own responses; these see them as the Web Responses `handle()` returns.
const htmlResponse = (...args: Parameters<typeof flowHtmlResponse>) =>
  toWebResponse(flowHtmlResponse(...args))
const jsonResponse = (...args: Parameters<typeof flowJsonResponse>) =>
  toWebResponse(flowJsonResponse(...args))
const problemResponse = (...args: Parameters<typeof flowProblemResponse>) =>
  toWebResponse(flowProblemResponse(...args))

const LANGS: PageLang[] = ['zh', 'en']
const LOGIN_URL = 'https://shop.example.com/auth/wechat/login?returnTo=%2Forders%3Fa%3D1&x=1'
const LOGIN_URL_ESCAPED = LOGIN_URL.replaceAll('&', '&amp;')
const RETRY_URL = '/auth/wechat/login?returnTo=%2Forders&retry=1'
const XSS_URL = `https://x/"><script>alert(1)</script><img src=x onerror=alert(2)>' onmouseover='alert(3)`
const UNSAFE_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
]

const CHROME_NAV =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'
const WECHAT_NAV = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

function req(headers: Record<string, string> = {}): Request {
  return new Request('https://shop.example.com/auth/wechat/callback', { headers })
}

/** The status each code must have, as the issue specifies. */
const EXPECTED_STATUS: Record<ProblemCode, number> = {
  access_denied: 200,
  state_missing: 400,
  state_invalid: 400,
  state_mismatch: 403,
  state_expired: 400,
  cookies_blocked: 400,
  code_invalid: 400,
  code_reused: 403,
  snapshot_user: 200,
  busy: 503,
  wechat_unavailable: 502,
  rate_limited: 429,
  misconfigured: 500,
  login_rejected: 403,
  store_unavailable: 503,
  not_configured: 400,
  bad_request: 400,
  method_not_allowed: 405,
  cross_site: 403,
  unauthenticated: 401,
}

const FORBIDDEN_TAGS = new Set([
  'img',
  'iframe',
  'frame',
  'object',
  'embed',
  'video',
  'audio',
  'source',
  'form',
  'base',
])

/**
 * Fails when a document could load anything from anywhere or run anything but the copy script.
 * Works on the real tags: escaped text (`&lt;img src=…`) cannot form one.
 */
function expectSelfContained(doc: string): void {
  expect(doc.startsWith('<!doctype html>')).toBe(true)
  const styles = [...doc.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '')
  expect(styles).toHaveLength(1)
  for (const css of styles) expect(css).not.toMatch(/url\s*\(|@import|image-set/i)
  const scripts = [...doc.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1])
  for (const script of scripts) expect(script).toBe(COPY_SCRIPT)
  const markup = doc
    .replace(/<style>[\s\S]*?<\/style>/g, '<style></style>')
    .replace(/<script>[\s\S]*?<\/script>/g, '<script></script>')
  expect(markup.match(/<script/gi)?.length ?? 0).toBe(scripts.length)
  for (const [tag, name = ''] of markup.matchAll(/<([a-z][a-z0-9]*)\b[^>]*>/gi)) {
    expect(FORBIDDEN_TAGS.has(name.toLowerCase()), tag).toBe(false)
    expect(tag).not.toMatch(/\s(?:on[a-z]+|src|srcset|action|formaction|style)\s*=/i)
    for (const [, href = ''] of tag.matchAll(/\shref="([^"]*)"/g)) {
      expect(href === 'data:,' || href.startsWith('/'), tag).toBe(true)
    }
    if (name === 'link') expect(tag).toBe('<link rel="icon" href="data:,">')
    if (name === 'meta') expect(tag).not.toMatch(/refresh/i)
  }
  // A product page, not the emulator's.
  expect(doc).not.toMatch(/emulator|模拟器|not WeChat|这不是微信/i)
}

function htmlLang(doc: string): string | undefined {
  return /<html lang="([^"]+)">/.exec(doc)?.[1]
}

describe('wantsJson', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['Chrome navigation', CHROME_NAV, false],
    ['WeChat in-app browser navigation', WECHAT_NAV, false],
    ['no Accept header', undefined, false],
    ['empty Accept header', '', false],
    ['*/* alone (fetch, curl)', '*/*', false],
    ['application/json', 'application/json', true],
    ['axios default', 'application/json, text/plain, */*', true],
    ['JSON with a charset parameter', 'application/json; charset=utf-8', true],
    ['application/* only', 'application/*', true],
    ['JSON refused', 'application/json;q=0', false],
    ['JSON with a lower q than HTML', 'application/json;q=0.5, text/html', false],
    ['HTML with a lower q than JSON', 'text/html;q=0.5, application/json', true],
    ['both, JSON listed first', 'application/json, text/html', true],
    ['both, HTML listed first', 'text/html, application/json', false],
    ['JSON more specific than text/*', 'text/*, application/json', true],
    ['JSON over the */* fallback', 'application/json, */*;q=0.1', true],
    ['malformed q drops the range', 'application/json;q=high', false],
    ['upper case', 'APPLICATION/JSON', true],
  ]
  for (const [name, accept, expected] of cases) {
    it(`${name} → ${expected ? 'JSON' : 'HTML'}`, () => {
      expect(wantsJson(req(accept === undefined ? {} : { accept }))).toBe(expected)
    })
  }
})

describe('pageLang', () => {
  const cases: [string, string | undefined, PageLang][] = [
    ['WeChat', 'zh-CN,zh;q=0.9', 'zh'],
    ['Chrome in English', 'en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['Chrome in Chinese with English', 'zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['Traditional Chinese', 'zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7', 'zh'],
    ['script subtag', 'zh-Hans-CN', 'zh'],
    ['French, then English', 'fr-FR,fr;q=0.9,en;q=0.8', 'en'],
    ['q-values over order', 'en;q=0.5, zh;q=0.8', 'zh'],
    ['English refused', 'en;q=0, fr', 'zh'],
    ['upper case', 'EN-US', 'en'],
    ['German only: default', 'de-DE,de;q=0.9', 'zh'],
    ['wildcard: default', '*', 'zh'],
    ['no header: default', undefined, 'zh'],
  ]
  for (const [name, value, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(pageLang(req(value === undefined ? {} : { 'accept-language': value }))).toBe(expected)
    })
  }
})

describe('problems', () => {
  it('has every outcome code of the issue with its status', () => {
    expect([...PROBLEM_CODES].sort()).toEqual(Object.keys(EXPECTED_STATUS).sort())
    for (const code of PROBLEM_CODES) expect(problemStatus(code)).toBe(EXPECTED_STATUS[code])
  })

  it('has a title and a one-sentence message in both languages, without WeChat internals', () => {
    for (const code of PROBLEM_CODES) {
      for (const lang of LANGS) {
        const { title, message } = PROBLEMS[code]
        expect(title[lang].length).toBeGreaterThan(1)
        expect(message[lang].length).toBeGreaterThan(10)
        expect(`${title[lang]} ${message[lang]}`).not.toMatch(
          /errcode|errmsg|\b4\d{4}\b|invalid code|state|token|secret|openid/i,
        )
      }
      expect(PROBLEMS[code].title.zh).toMatch(/\p{Script=Han}/u)
      expect(PROBLEMS[code].message.zh).toMatch(/\p{Script=Han}/u)
      expect(PROBLEMS[code].title.en).toMatch(/^[\x20-\x7e’“”]+$/)
    }
  })

  it('builds the JSON body', () => {
    expect(problemJson('state_mismatch', 'en')).toEqual({
      error: 'state_mismatch',
      message: PROBLEMS.state_mismatch.message.en,
    })
    expect(problemJson('rate_limited', 'zh').message).toBe(PROBLEMS.rate_limited.message.zh)
  })

  it('recognises codes', () => {
    expect(isProblemCode('code_reused')).toBe(true)
    expect(isProblemCode('toString')).toBe(false)
    expect(isProblemCode('40163')).toBe(false)
    expect(isProblemCode(undefined)).toBe(false)
  })
})

describe('renderScanQr', () => {
  for (const lang of LANGS) {
    it(`${lang}: QR code, the link as text, the phone note`, () => {
      const doc = renderScanQr({ lang, loginUrl: LOGIN_URL })
      expectSelfContained(doc)
      expect(htmlLang(doc)).toBe(lang === 'zh' ? 'zh-CN' : 'en')
      if (lang === 'zh') {
        expect(doc).toContain('请使用微信扫一扫登录')
        expect(doc).toContain('登录将在手机上的微信中完成')
        expect(doc).toContain('aria-label="登录二维码"')
      } else {
        expect(doc).toContain('Scan with WeChat to log in')
        expect(doc).toContain('logged in on your phone')
        expect(doc).toContain('aria-label="Login QR code"')
      }
      expect(doc).toMatch(/<div class="qr"><svg role="img"[^>]*viewBox=[^>]*>.*<path /)
      expect(doc).toContain(
        `readonly spellcheck="false" autocapitalize="off" autocomplete="off">${LOGIN_URL_ESCAPED}</textarea>`,
      )
      expect(doc).not.toContain(`href="${LOGIN_URL_ESCAPED}"`)
      expect(doc).toContain(`<script>${COPY_SCRIPT}</script>`)
      expect(doc).toContain('data-copy="login-link"')
    })
  }

  it('encodes the login URL in the QR code', () => {
    const doc = renderScanQr({ lang: 'zh', loginUrl: LOGIN_URL })
    expect(doc).toContain(qrCodeSvg(LOGIN_URL, '登录二维码'))
    expect(doc).not.toContain(qrCodeSvg(`${LOGIN_URL}x`, '登录二维码'))
  })

  it('uses a QR code it is given', () => {
    const qrSvg = '<svg viewBox="0 0 1 1" data-test="given"></svg>'
    const doc = renderScanQr({ lang: 'en', loginUrl: LOGIN_URL, qrSvg })
    expect(doc).toContain(`<div class="qr">${qrSvg}</div>`)
  })
})

describe('renderOpenInWeChat', () => {
  for (const lang of LANGS) {
    it(`${lang}: how to open the link in WeChat, copyable link, optional QR`, () => {
      const doc = renderOpenInWeChat({ lang, loginUrl: LOGIN_URL })
      expectSelfContained(doc)
      const key =
        lang === 'zh'
          ? [
              '请在微信中打开此链接',
              '复制下方的登录链接',
              '文件传输助手',
              '电脑浏览器',
              '复制链接',
              '已复制',
              '显示二维码',
            ]
          : [
              'Open this link in WeChat',
              'Copy the login link below',
              'File Transfer',
              'on a computer',
              'Copy link',
              'Copied',
              'Show QR code',
            ]
      for (const text of key) expect(doc).toContain(text)
      expect(doc).toContain(`>${LOGIN_URL_ESCAPED}</textarea>`)
      expect(doc).toMatch(/<details><summary>[^<]+<\/summary><div class="qr"><svg /)
      expect(doc).not.toContain(`href="${LOGIN_URL_ESCAPED}"`)
      // The copy button is hidden until the script reveals it; the textarea works without it.
      expect(doc).toMatch(
        /<button type="button" class="btn" data-copy="login-link" data-done="[^"]+" hidden>/,
      )
    })
  }
})

describe('renderWeCom', () => {
  for (const lang of LANGS) {
    it(`${lang}: WeChat login does not work in WeCom; open in WeChat`, () => {
      const doc = renderWeCom({ lang, loginUrl: LOGIN_URL })
      expectSelfContained(doc)
      const key =
        lang === 'zh'
          ? ['企业微信中无法使用微信登录', '请在微信中打开此链接', '文件传输助手']
          : [
              'WeChat login doesn’t work in WeCom',
              'WeCom (企业微信)',
              'open this link in WeChat',
              'File Transfer',
            ]
      for (const text of key) expect(doc).toContain(text)
      expect(doc).toContain(`>${LOGIN_URL_ESCAPED}</textarea>`)
      expect(doc).toContain('<details>')
    })
  }
})

const LINK_PAGES = {
  renderScanQr: (lang: PageLang, loginUrl: string) => renderScanQr({ lang, loginUrl }),
  renderOpenInWeChat: (lang: PageLang, loginUrl: string) => renderOpenInWeChat({ lang, loginUrl }),
  renderWeCom: (lang: PageLang, loginUrl: string) => renderWeCom({ lang, loginUrl }),
}

describe('attacker-influenced login URLs', () => {
  for (const [name, render] of Object.entries(LINK_PAGES)) {
    for (const lang of LANGS) {
      it(`${name} (${lang}) renders markup in a URL inert`, () => {
        const doc = render(lang, XSS_URL)
        expectSelfContained(doc)
        expect(doc).not.toContain('<script>alert')
        expect(doc).not.toContain('<img')
        expect(doc).toContain(`>${escapeHtml(XSS_URL)}</textarea>`)
      })

      it(`${name} (${lang}) neither shows nor encodes non-http(s) URLs`, () => {
        const plain = render(lang, LOGIN_URL)
        for (const url of UNSAFE_URLS) {
          const doc = render(lang, url)
          expectSelfContained(doc)
          expect(doc).not.toMatch(/script:|msgbox|data:text/i)
          expect(doc).not.toContain('<textarea')
          expect(doc).not.toContain('<svg role="img"')
          expect(doc).not.toContain('<script')
          // The guidance itself is still there.
          expect(doc).toContain(/<h1>[^<]+<\/h1>/.exec(plain)?.[0])
        }
      })
    }
  }
})

describe('renderProblem', () => {
  for (const code of PROBLEM_CODES) {
    for (const lang of LANGS) {
      it(`${code} (${lang})`, () => {
        const doc = renderProblem({ lang, code, retryUrl: RETRY_URL })
        expectSelfContained(doc)
        expect(htmlLang(doc)).toBe(lang === 'zh' ? 'zh-CN' : 'en')
        const title = escapeHtml(PROBLEMS[code].title[lang])
        expect(doc).toContain(`<title>${title}</title>`)
        expect(doc).toContain(`<h1>${title}</h1>`)
        if (code !== 'snapshot_user') {
          expect(doc).toContain(`<p class="lead">${escapeHtml(PROBLEMS[code].message[lang])}</p>`)
        }
        expect(doc).toContain(
          `<a class="btn primary" href="${escapeHtml(RETRY_URL)}">${lang === 'zh' ? '重试' : 'Try again'}</a>`,
        )
        expect(doc).toContain(
          `<p class="ref">${lang === 'zh' ? '代码' : 'Code'}: <code>${code}</code></p>`,
        )
        expect(doc).not.toContain('<script')
      })
    }
  }

  it('has no retry button without a retry URL', () => {
    const doc = renderProblem({ lang: 'zh', code: 'state_expired' })
    expect(doc).not.toContain('class="btn')
    expect(doc).toContain('<code>state_expired</code>')
  })

  it('escapes the retry URL and drops unsafe ones', () => {
    const doc = renderProblem({ lang: 'en', code: 'access_denied', retryUrl: XSS_URL })
    expectSelfContained(doc.replace(`href="${escapeHtml(XSS_URL)}"`, 'href="/"'))
    expect(doc).toContain(`href="${escapeHtml(XSS_URL)}"`)
    expect(doc).not.toContain('<script')
    for (const retryUrl of [...UNSAFE_URLS, '']) {
      const unsafe = renderProblem({ lang: 'en', code: 'access_denied', retryUrl })
      expect(unsafe).not.toContain('class="btn')
      expect(unsafe).not.toMatch(/script:|msgbox|data:text/i)
    }
  })

  it('shows the snapshot guidance for snapshot_user', () => {
    expect(renderProblem({ lang: 'zh', code: 'snapshot_user', retryUrl: RETRY_URL })).toBe(
      renderSnapshot({ lang: 'zh', retryUrl: RETRY_URL }),
    )
  })
})

describe('renderSnapshot', () => {
  for (const lang of LANGS) {
    it(`${lang}: tap 使用完整服务, then try again`, () => {
      const doc = renderSnapshot({ lang, retryUrl: RETRY_URL })
      expectSelfContained(doc)
      expect(doc).toContain('使用完整服务')
      expect(doc).toContain(lang === 'zh' ? '快照页' : 'snapshot page')
      expect(doc).toContain(lang === 'zh' ? '页面底部' : 'at the bottom of the WeChat page')
      expect(doc).toContain(`href="${escapeHtml(RETRY_URL)}"`)
      expect(doc).toContain('<code>snapshot_user</code>')
      // Room for WeChat's own bottom bar.
      expect(doc).toContain('<main class="wrap tall-bottom">')
    })
  }
})

describe('responses', () => {
  function expectCommonHeaders(response: Response): void {
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  }

  function expectHtmlHeaders(response: Response): void {
    expectCommonHeaders(response)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP)
    expect(response.headers.get('x-frame-options')).toBe('DENY')
  }

  it('the page CSP allows nothing but inline styles, data: images and the copy script', () => {
    expect(PAGE_CSP).toBe(
      `default-src 'none'; script-src ${COPY_SCRIPT_HASH}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    )
    const hash = createHash('sha256').update(COPY_SCRIPT).digest('base64')
    expect(COPY_SCRIPT_HASH).toBe(`'sha256-${hash}'`)
  })

  it('htmlResponse', async () => {
    const response = htmlResponse('<!doctype html><p>hi</p>', 418)
    expect(response.status).toBe(418)
    expectHtmlHeaders(response)
    expect(await response.text()).toBe('<!doctype html><p>hi</p>')
    expect(htmlResponse('x').status).toBe(200)
  })

  it('jsonResponse', async () => {
    const response = jsonResponse({ ok: true, n: '中文' }, 201)
    expect(response.status).toBe(201)
    expectCommonHeaders(response)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
    expect(await response.json()).toEqual({ ok: true, n: '中文' })
  })

  it('extra headers add to, but never weaken, the security headers', () => {
    const extra: [string, string][] = [
      ['Set-Cookie', 'a=1; Path=/; HttpOnly'],
      ['Set-Cookie', 'b=; Max-Age=0; Path=/'],
      ['Cache-Control', 'public, max-age=3600'],
      ['X-Frame-Options', 'SAMEORIGIN'],
      ['Content-Security-Policy', "default-src *; script-src 'unsafe-inline'"],
    ]
    const html = htmlResponse('x', 200, extra)
    expectHtmlHeaders(html)
    expect(html.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=; Max-Age=0; Path=/'])
    expectCommonHeaders(jsonResponse({}, 200, { 'Cache-Control': 'max-age=60', Allow: 'GET' }))
    expect(jsonResponse({}, 200, { Allow: 'GET' }).headers.get('allow')).toBe('GET')
  })

  for (const code of PROBLEM_CODES) {
    it(`problemResponse ${code}: HTML page and JSON, both languages`, async () => {
      const zhPage = problemResponse(
        req({ accept: WECHAT_NAV, 'accept-language': 'zh-CN,zh;q=0.9' }),
        code,
        { retryUrl: RETRY_URL },
      )
      expect(zhPage.status).toBe(EXPECTED_STATUS[code])
      expectHtmlHeaders(zhPage)
      expect(zhPage.headers.get('vary')).toBe('Accept, Accept-Language')
      expect(await zhPage.text()).toBe(renderProblem({ lang: 'zh', code, retryUrl: RETRY_URL }))

      const enPage = problemResponse(
        req({ accept: CHROME_NAV, 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.8' }),
        code,
      )
      expect(enPage.status).toBe(EXPECTED_STATUS[code])
      expectHtmlHeaders(enPage)
      expect(await enPage.text()).toBe(renderProblem({ lang: 'en', code }))

      for (const lang of LANGS) {
        const json = problemResponse(
          req({
            accept: 'application/json',
            'accept-language': lang === 'en' ? 'en-US,en;q=0.9' : 'zh-CN,zh;q=0.9',
          }),
          code,
          { retryUrl: RETRY_URL },
        )
        expect(json.status).toBe(EXPECTED_STATUS[code])
        expectCommonHeaders(json)
        expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8')
        expect(json.headers.get('x-frame-options')).toBeNull()
        expect(json.headers.get('vary')).toBe('Accept, Accept-Language')
        expect(await json.json()).toEqual({ error: code, message: PROBLEMS[code].message[lang] })
      }
    })
  }

  it('problemResponse passes extra headers (Allow, Retry-After) and merges Vary', () => {
    const response = problemResponse(req({ accept: 'application/json' }), 'method_not_allowed', {
      headers: { Allow: 'GET, HEAD', Vary: 'Cookie' },
    })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
    expect(response.headers.get('vary')).toBe('Cookie, Accept, Accept-Language')
    const limited = problemResponse(req(), 'rate_limited', { headers: { 'Retry-After': '60' } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
  })

  it('problemResponse defaults to a Chinese page for a bare request', async () => {
    const response = problemResponse(req(), 'state_expired')
    expect(response.status).toBe(400)
    const body = await response.text()
    expect(body).toContain('<html lang="zh-CN">')
    expect(body).toContain('登录已过期')
  })
})
