import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  avatarSvg,
  type ConsentView,
  type DemoCallbackView,
  type DeniedView,
  type ErrorView,
  type HomeView,
  type OpenInWeChatView,
  type PageLang,
  type QrConfirmView,
  type QrConnectView,
  qrSvg,
  renderConsent,
  renderDemoCallback,
  renderDenied,
  renderError,
  renderHome,
  renderOpenInWeChat,
  renderQrConfirm,
  renderQrConnect,
  renderSnapshot,
  type SnapshotView,
  type UserView,
} from '../../src/emulator/pages/index.js'

const BASE = 'http://127.0.0.1:8900'
const LANGS: PageLang[] = ['zh', 'en']

/** Breaks out of text, of double- and of single-quoted attributes. */
const XSS = `<script>alert(1)</script>"><img src=x onerror=alert(2)>' onmouseover='alert(3)`
const XSS_ESCAPED =
  '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39; onmouseover=&#39;alert(3)'
const URL_XSS = `${BASE}/x?a="><script>alert(4)</script>`

function users(nickname = '张小明'): UserView[] {
  return [
    { id: 'u_alice', nickname, avatarUrl: `${BASE}/avatar/u_alice.svg`, snapshot: false },
    { id: 'u_bob', nickname: 'Bob Li', avatarUrl: `${BASE}/avatar/u_bob.svg`, snapshot: false },
    { id: 'u_snap', nickname: '微信用户', avatarUrl: `${BASE}/avatar/u_snap.svg`, snapshot: true },
  ]
}

const oaApp = { appId: 'wx1234567890abcdef', name: '好物商城', kind: 'official' } as const
const webApp = { appId: 'wxweb0987654321fedc', name: 'Acme Books', kind: 'website' } as const
const confirmUrl = `${BASE}/emulator/qr/confirm/abcdEFGH1234`

const views = {
  openInWeChat: (lang: PageLang): OpenInWeChatView => ({
    lang,
    continueUrl: `${BASE}/connect/oauth2/authorize?appid=wx1&redirect_uri=x&emulator_continue=1`,
    wecom: false,
  }),
  consent: (lang: PageLang): ConsentView => ({
    lang,
    app: oaApp,
    scope: 'snsapi_userinfo',
    users: users(),
    selectedUserId: 'u_bob',
    action: `${BASE}/emulator/authorize/decide`,
    requestId: 'req_7Hq2',
  }),
  snapshot: (lang: PageLang): SnapshotView => ({
    lang,
    app: oaApp,
    browseUrl: `${BASE}/emulator/snapshot/browse?r=1`,
    fullServiceUrl: `${BASE}/emulator/snapshot/full?r=1`,
  }),
  qrConnect: (lang: PageLang): QrConnectView => ({
    lang,
    app: webApp,
    qrSvg: qrSvg(confirmUrl),
    confirmUrl,
    statusUrl: `${BASE}/emulator/qr/status/abcd`,
    simulateScanUrl: `${BASE}/emulator/qr/simulate/abcd`,
  }),
  qrConfirm: (lang: PageLang, state: QrConfirmView['state'] = 'pending'): QrConfirmView => ({
    lang,
    app: webApp,
    users: users(),
    selectedUserId: 'u_alice',
    action: `${BASE}/emulator/qr/confirm/abcd`,
    state,
  }),
  error: (lang: PageLang): ErrorView => ({
    lang,
    errcode: 10003,
    message:
      lang === 'zh'
        ? 'redirect_uri域名与后台配置不一致'
        : 'The redirect_uri host does not match the web-authorization domain.',
    hint:
      lang === 'zh'
        ? '授权域名为 app.example.com，收到的是 localhost:3000（不接受端口）。'
        : 'Configured: app.example.com; got: localhost:3000 (ports are not allowed).',
  }),
  denied: (lang: PageLang): DeniedView => ({ lang, app: oaApp }),
  home: (lang: PageLang): HomeView => ({
    lang,
    baseUrl: BASE,
    apps: [
      {
        ...oaApp,
        domains: ['app.example.com'],
        scopes: ['snsapi_base', 'snsapi_userinfo'],
        unionid: true,
        secretHint: '****************************3f9a',
      },
      {
        ...webApp,
        domains: ['books.example.com'],
        scopes: ['snsapi_login'],
        unionid: false,
        secretHint: '****************************77c1',
      },
    ],
    users: users(),
    currentUserId: 'u_bob',
    currentUserAction: `${BASE}/emulator/current-user`,
    consents: 2,
    consentDays: 30,
    forgetConsentsAction: `${BASE}/emulator/forget-consents`,
    requests: [
      {
        time: '12:01:33',
        method: 'GET',
        target:
          '/connect/oauth2/authorize?appid=wx1234567890abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=snsapi_userinfo&state=Zk3p',
        status: 302,
      },
      {
        time: '12:01:36',
        method: 'GET',
        target: '/sns/userinfo?access_token=[REDACTED]&openid=oAbC',
        status: 200,
        errcode: 48001,
      },
    ],
    demos: [
      { label: 'snsapi_userinfo', url: `${BASE}/emulator/demo/userinfo` },
      { label: 'qrconnect', url: `${BASE}/emulator/demo/qr` },
    ],
  }),
  demoCallback: (lang: PageLang): DemoCallbackView => ({
    lang,
    received: [
      { name: 'code', value: '061y…' },
      { name: 'state', value: 'Zk3p9QmT' },
    ],
    result: [
      {
        title: 'sns/oauth2/access_token',
        json: JSON.stringify({ access_token: '[REDACTED]', openid: 'oAbC' }, null, 2),
      },
    ],
    homeUrl: `${BASE}/`,
  }),
}

/** Every page with the URLs its view lets it link to. */
function allPages(lang: PageLang): { name: string; doc: string; urls: string[] }[] {
  const o = views.openInWeChat(lang)
  const c = views.consent(lang)
  const s = views.snapshot(lang)
  const q = views.qrConnect(lang)
  const qc = views.qrConfirm(lang)
  const h = views.home(lang)
  const d = views.demoCallback(lang)
  const avatars = c.users.map((u) => u.avatarUrl)
  return [
    { name: 'openInWeChat', doc: renderOpenInWeChat(o), urls: [o.continueUrl] },
    {
      name: 'openInWeChat (WeCom)',
      doc: renderOpenInWeChat({ ...o, wecom: true }),
      urls: [o.continueUrl],
    },
    { name: 'consent', doc: renderConsent(c), urls: [c.action, ...avatars] },
    { name: 'snapshot', doc: renderSnapshot(s), urls: [s.browseUrl, s.fullServiceUrl] },
    { name: 'qrConnect', doc: renderQrConnect(q), urls: [q.confirmUrl, q.simulateScanUrl] },
    { name: 'qrConfirm', doc: renderQrConfirm(qc), urls: [qc.action, ...avatars] },
    { name: 'qrConfirm (expired)', doc: renderQrConfirm({ ...qc, state: 'expired' }), urls: [] },
    { name: 'error', doc: renderError(views.error(lang)), urls: [] },
    { name: 'denied', doc: renderDenied(views.denied(lang)), urls: [] },
    {
      name: 'home',
      doc: renderHome(h),
      urls: [h.currentUserAction, h.forgetConsentsAction, ...h.demos.map((x) => x.url), ...avatars],
    },
    { name: 'demoCallback', doc: renderDemoCallback(d), urls: [d.homeUrl] },
  ]
}

function decodeEntities(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

function withoutScripts(doc: string): string {
  return doc.replace(/<script>[\s\S]*?<\/script>/g, '')
}

/** Every `src`, `href` and `action` attribute value, unescaped. */
function urlAttributes(doc: string): string[] {
  return [...withoutScripts(doc).matchAll(/\s(?:src|href|action)="([^"]*)"/g)].map((m) =>
    decodeEntities(m[1] ?? ''),
  )
}

/** Names of all attributes in all tags (quoted values stripped first). */
function attributeNames(doc: string): string[] {
  const names: string[] = []
  for (const tag of withoutScripts(doc).match(/<[a-zA-Z][^>]*>/g) ?? []) {
    const bare = tag.replace(/"[^"]*"/g, '""')
    for (const m of bare.matchAll(/\s([^\s="'<>/]+)(?==|\s|\/?>)/g)) names.push(m[1] ?? '')
  }
  return names
}

/** The `<form>` start tags as attribute maps. */
function forms(doc: string): Record<string, string>[] {
  return [...doc.matchAll(/<form\s([^>]*)>/g)].map((m) =>
    Object.fromEntries(
      [...(m[1] ?? '').matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [
        a[1],
        decodeEntities(a[2] ?? ''),
      ]),
    ),
  )
}

function title(doc: string): string {
  return /<title>([^<]*)<\/title>/.exec(doc)?.[1] ?? ''
}

describe.each(LANGS)('every page (%s)', (lang) => {
  for (const { name, doc, urls } of allPages(lang)) {
    describe(name, () => {
      it('is a complete document in the page language', () => {
        expect(doc.startsWith('<!doctype html>')).toBe(true)
        expect(doc).toContain(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`)
        expect(doc).toContain('<meta charset="utf-8">')
        expect(doc).toContain('name="viewport"')
        expect(doc.trimEnd().endsWith('</html>')).toBe(true)
      })

      it('says it is the emulator, not WeChat, in the banner and the title (in the page language only)', () => {
        const [own, other] =
          lang === 'zh'
            ? ['wxauth 模拟器 · 这不是微信', 'wxauth emulator · not WeChat']
            : ['wxauth emulator · not WeChat', 'wxauth 模拟器 · 这不是微信']
        expect(doc).toContain(own)
        expect(doc).not.toContain(other)
        expect(doc).toMatch(/<header class="emu-banner"/)
        expect(title(doc)).toContain(lang === 'zh' ? 'wxauth 模拟器' : 'wxauth emulator')
      })

      it('loads nothing from other origins and links only to its own URLs', () => {
        for (const url of urlAttributes(doc)) {
          if (url === '' || url === '#' || url === 'data:,') continue
          expect(urls).toContain(url)
        }
        expect(doc).not.toMatch(/@import|url\(/)
        expect(doc).not.toMatch(/<(?:iframe|object|embed|link rel="stylesheet")/)
      })

      it('has no inline event handlers and no external scripts', () => {
        expect(attributeNames(doc).filter((n) => /^on/i.test(n))).toEqual([])
        expect(doc).not.toMatch(/<script[^>]*\ssrc=/)
        expect(doc).not.toContain('javascript:')
      })

      it('posts every form with method="post"', () => {
        for (const form of forms(doc)) expect(form.method).toBe('post')
      })

      it('allows only its own inline script, by hash', () => {
        const scripts = [...doc.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '')
        const csp = decodeEntities(
          /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(doc)?.[1] ?? '',
        )
        expect(csp).toContain("object-src 'none'")
        expect(csp).toContain("base-uri 'none'")
        if (scripts.length === 0) {
          expect(csp).toContain("script-src 'none'")
        } else {
          expect(scripts).toHaveLength(1)
          const hash = createHash('sha256')
            .update(scripts[0] ?? '')
            .digest('base64')
          expect(csp).toContain(`script-src 'sha256-${hash}'`)
        }
      })
    })
  }
})

describe('renderOpenInWeChat', () => {
  it('shows WeChat’s text, explains it and links to continue (zh)', () => {
    const v = views.openInWeChat('zh')
    const doc = renderOpenInWeChat(v)
    expect(doc).toContain('请在微信客户端打开链接')
    expect(doc).toContain('MicroMessenger')
    expect(doc).toContain(`href="${v.continueUrl.replaceAll('&', '&amp;')}"`)
    expect(doc).toContain('在此浏览器中继续（本地开发）')
    expect(doc).not.toContain('企业微信不支持')
  })

  it('says it in English, without WeChat’s Chinese text (en)', () => {
    const doc = renderOpenInWeChat(views.openInWeChat('en'))
    expect(doc).not.toContain('请在微信客户端打开链接')
    expect(doc).toContain('Please open this link in the WeChat app')
    expect(doc).toContain('Continue in this browser (local development)')
  })

  it('says that WeCom does not support WeChat web authorization', () => {
    expect(renderOpenInWeChat({ ...views.openInWeChat('zh'), wecom: true })).toContain(
      '企业微信不支持微信公众号网页授权',
    )
    expect(renderOpenInWeChat({ ...views.openInWeChat('en'), wecom: true })).toContain(
      'WeCom does not support WeChat web authorization',
    )
  })

  it('escapes the continue URL and neutralises script URLs', () => {
    const doc = renderOpenInWeChat({ ...views.openInWeChat('zh'), continueUrl: URL_XSS })
    expect(doc).not.toContain('<script>alert(4)')
    expect(doc).toContain('&quot;&gt;&lt;script&gt;alert(4)')
    for (const bad of [
      'javascript:alert(1)',
      ' JaVa\tScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
    ]) {
      const d = renderOpenInWeChat({ ...views.openInWeChat('zh'), continueUrl: bad })
      expect(urlAttributes(d)).not.toContain(bad)
      expect(d).toContain('class="btn" href="#"')
    }
  })
})

describe('renderConsent', () => {
  it('shows the app, what is shared and the users, snapshot users marked (zh)', () => {
    const doc = renderConsent(views.consent('zh'))
    expect(doc).toContain('好物商城')
    expect(doc).toContain('wx1234567890abcdef')
    expect(doc).toContain('公众号')
    expect(doc).toContain('昵称、头像')
    expect(doc).toContain('snsapi_userinfo')
    expect(doc).toContain('张小明')
    expect(doc).toContain('快照用户')
    expect(doc).toContain(`src="${BASE}/avatar/u_alice.svg"`)
    expect(doc).toMatch(/>允许<\/button>/)
    expect(doc).toMatch(/>拒绝<\/button>/)
  })

  it('speaks English (en)', () => {
    const doc = renderConsent(views.consent('en'))
    expect(doc).toContain('nickname and avatar')
    expect(doc).toContain('snapshot user')
    expect(doc).toMatch(/>Allow<\/button>/)
    expect(doc).toMatch(/>Deny<\/button>/)
  })

  it('posts request, user and decision to the action', () => {
    const v = views.consent('zh')
    const doc = renderConsent(v)
    expect(forms(doc)).toEqual([{ class: 'card', method: 'post', action: v.action }])
    expect(doc).toContain('<input type="hidden" name="request" value="req_7Hq2">')
    for (const u of v.users) expect(doc).toContain(`name="user" value="${u.id}"`)
    expect(doc.match(/ checked>/g)).toHaveLength(1)
    expect(doc).toContain('name="user" value="u_bob" checked>')
    expect(doc).toContain('type="submit" name="decision" value="allow"')
    expect(doc).toContain('type="submit" name="decision" value="deny"')
  })

  it('checks the first user when the selected id matches none', () => {
    const doc = renderConsent({ ...views.consent('zh'), selectedUserId: 'nobody' })
    expect(doc).toContain('name="user" value="u_alice" checked>')
  })

  it('escapes nicknames, ids, app name, scope, request id and URLs', () => {
    const v = views.consent('zh')
    const doc = renderConsent({
      ...v,
      app: { ...v.app, name: XSS, appId: XSS },
      scope: XSS,
      requestId: XSS,
      action: URL_XSS,
      users: [{ id: XSS, nickname: XSS, avatarUrl: URL_XSS, snapshot: true }],
      selectedUserId: XSS,
    })
    expect(doc).not.toContain('<script>alert')
    expect(doc).not.toContain('<img src=x')
    expect(doc).toContain(XSS_ESCAPED)
    expect(doc).toContain(`value="${XSS_ESCAPED}" checked>`)
    expect(attributeNames(doc).filter((n) => /^on/i.test(n))).toEqual([])
  })
})

describe('renderSnapshot', () => {
  it('shows WeChat’s banner, the full-service button and the browse link', () => {
    for (const lang of LANGS) {
      const v = views.snapshot(lang)
      const doc = renderSnapshot(v)
      expect(doc).toContain(
        lang === 'zh'
          ? '该网页需获取个人信息才可使用完整服务，当前仅可浏览部分内容'
          : 'This page needs your personal information for the full service',
      )
      expect(doc).toContain('好物商城')
      expect(doc).toContain(`href="${v.fullServiceUrl}"`)
      expect(doc).toContain(`href="${v.browseUrl}"`)
      expect(doc).toContain('is_snapshotuser')
    }
    expect(renderSnapshot(views.snapshot('zh'))).toMatch(/>使用完整服务<\/a>/)
    expect(renderSnapshot(views.snapshot('en'))).toMatch(/>Use full service<\/a>/)
  })

  it('escapes the app and URLs', () => {
    const v = views.snapshot('zh')
    const doc = renderSnapshot({
      ...v,
      app: { ...v.app, name: XSS },
      browseUrl: URL_XSS,
      fullServiceUrl: 'javascript:alert(1)',
    })
    expect(doc).not.toContain('<script>alert')
    expect(doc).toContain(XSS_ESCAPED)
    expect(doc).toContain('&quot;&gt;&lt;script&gt;alert(4)')
    expect(doc).toContain('class="btn primary" href="#"')
  })
})

describe('renderQrConnect', () => {
  it('shows the app, the QR code, the scan text and the confirm link (zh)', () => {
    const v = views.qrConnect('zh')
    const doc = renderQrConnect(v)
    expect(doc).toContain('微信登录')
    expect(doc).toContain('使用微信扫一扫登录')
    expect(doc).toContain('Acme Books')
    expect(doc).toContain(v.qrSvg)
    expect(doc).toContain(`href="${confirmUrl}"`)
    expect(doc).toContain(`>${confirmUrl}</a>`)
    expect(doc).toContain('模拟扫码')
    expect(doc).toContain('扫描成功')
    expect(doc).toContain('二维码已失效')
  })

  it('speaks English (en)', () => {
    const doc = renderQrConnect(views.qrConnect('en'))
    expect(doc).toContain('Scan with WeChat to log in')
    expect(doc).toContain('Confirm on your phone')
    expect(doc).toContain('QR code expired')
    expect(doc).toContain('Simulate scan')
  })

  it('simulates the scan with a plain form POST (works without script)', () => {
    const v = views.qrConnect('zh')
    const doc = renderQrConnect(v)
    expect(forms(doc)).toEqual([{ method: 'post', action: v.simulateScanUrl }])
    expect(doc).toContain('<noscript>')
  })

  it('polls the status URL every second and follows redirect', () => {
    const v = views.qrConnect('zh')
    const doc = renderQrConnect(v)
    expect(doc).toContain(`data-status-url="${v.statusUrl}"`)
    const script = /<script>([\s\S]*?)<\/script>/.exec(doc)?.[1] ?? ''
    expect(script).toContain('fetch(url')
    expect(script).toContain('setTimeout(tick, 1000)')
    expect(script).toContain('location.assign')
    expect(script).toContain('body.redirect')
    for (const state of ['waiting', 'scanned', 'confirmed', 'denied', 'expired']) {
      expect(doc).toContain(`data-state="${state}"`)
    }
  })

  it('escapes the app name and every URL', () => {
    const v = views.qrConnect('zh')
    const doc = renderQrConnect({
      ...v,
      app: { ...v.app, name: XSS },
      confirmUrl: URL_XSS,
      statusUrl: URL_XSS,
      simulateScanUrl: URL_XSS,
    })
    expect(withoutScripts(doc)).not.toContain('<script>alert')
    expect(doc.match(/<script>/g)).toHaveLength(1)
    expect(doc).toContain(XSS_ESCAPED)
    expect(doc).not.toContain('"><script>alert(4)')
  })
})

describe('renderQrConfirm', () => {
  it('asks to confirm a website login with a user picker (pending)', () => {
    for (const lang of LANGS) {
      const v = views.qrConfirm(lang)
      const doc = renderQrConfirm(v)
      expect(doc).toContain('Acme Books')
      expect(doc).toContain(lang === 'zh' ? '网站应用' : 'Website app')
      expect(forms(doc)).toEqual([{ class: 'card', method: 'post', action: v.action }])
      expect(doc).toContain('name="user" value="u_alice" checked>')
      expect(doc).toContain('name="decision" value="allow"')
      expect(doc).toContain('name="decision" value="deny"')
      expect(doc).toContain(lang === 'zh' ? '>允许</button>' : '>Allow</button>')
      expect(doc).toContain(lang === 'zh' ? '>拒绝</button>' : '>Deny</button>')
    }
  })

  it('shows a short message and no form in the other states', () => {
    const expected = {
      confirmed: ['已允许登录', 'Login allowed'],
      denied: ['已拒绝登录', 'Login denied'],
      expired: ['二维码已失效', 'QR code expired'],
    } as const
    for (const [state, [zh, en]] of Object.entries(expected)) {
      const s = state as keyof typeof expected
      const zhDoc = renderQrConfirm(views.qrConfirm('zh', s))
      expect(zhDoc).toContain(zh)
      expect(forms(zhDoc)).toEqual([])
      expect(renderQrConfirm(views.qrConfirm('en', s))).toContain(en)
    }
  })

  it('escapes users and the app', () => {
    const v = views.qrConfirm('en')
    const doc = renderQrConfirm({ ...v, app: { ...v.app, name: XSS }, users: users(XSS) })
    expect(doc).not.toContain('<script>alert')
    expect(doc).toContain(XSS_ESCAPED)
  })
})

describe('renderError', () => {
  it('shows the message, 错误码 (Error code) and the hint, in the page language only', () => {
    const zh = renderError(views.error('zh'))
    expect(zh).toContain('redirect_uri域名与后台配置不一致')
    expect(zh).toContain('错误码：10003')
    expect(zh).toContain('开发者提示')
    expect(zh).toContain('不接受端口')
    expect(zh).not.toContain('Error code')
    const en = renderError(views.error('en'))
    expect(en).toContain('The redirect_uri host does not match')
    expect(en).toContain('Error code: 10003')
    expect(en).toContain('Hint for developers')
    expect(en).toContain('ports are not allowed')
    expect(en).not.toContain('错误码')
    for (const doc of [zh, en]) expect(title(doc)).toContain('10003')
  })

  it('shows the case when given, and leaves out the code and the hint when absent', () => {
    const { errcode: _c, hint: _h, ...v } = views.error('zh')
    const doc = renderError({ ...v, message: '该链接无法访问', detail: 'appid 不是已注册的应用。' })
    expect(doc).toContain('该链接无法访问')
    expect(doc).toContain('appid 不是已注册的应用。')
    expect(doc).not.toContain('错误码')
    expect(doc).not.toContain('开发者提示')
  })

  it('escapes the message, the case and the hint', () => {
    const doc = renderError({ ...views.error('zh'), message: XSS, detail: XSS, hint: XSS })
    expect(doc).not.toContain('<script>alert')
    expect(doc.split(XSS_ESCAPED)).toHaveLength(4)
  })
})

describe('renderDenied', () => {
  it('says the user refused, in both languages', () => {
    expect(renderDenied(views.denied('zh'))).toContain('你已拒绝授权')
    expect(renderDenied(views.denied('en'))).toContain('You refused to authorize')
    expect(renderDenied(views.denied('zh'))).toContain('好物商城')
  })

  it('escapes the app', () => {
    const doc = renderDenied({ lang: 'zh', app: { ...oaApp, name: XSS } })
    expect(doc).not.toContain('<script>alert')
    expect(doc).toContain(XSS_ESCAPED)
  })
})

describe('renderHome', () => {
  it('lists apps with id, kind, name, domains, scopes, unionid and the masked secret', () => {
    const doc = renderHome(views.home('zh'))
    for (const text of [
      'wx1234567890abcdef',
      '好物商城',
      '公众号',
      '网站应用',
      'app.example.com',
      'snsapi_userinfo',
      'snsapi_login',
      '****************************3f9a',
      '是（已绑定开放平台）',
      '否',
    ]) {
      expect(doc).toContain(text)
    }
    const en = renderHome(views.home('en'))
    expect(en).toContain('Official Account')
    expect(en).toContain('yes (bound to an open-platform account)')
    expect(en).toContain('UnionID')
  })

  it('lists users and switches the current user with a POST form', () => {
    const v = views.home('zh')
    const doc = renderHome(v)
    expect(forms(doc)).toEqual([
      { method: 'post', action: v.currentUserAction },
      { method: 'post', action: v.forgetConsentsAction },
    ])
    expect(doc).toContain('name="user" value="u_bob" checked>')
    expect(doc).toContain('快照用户')
    expect(doc).toContain('u_snap')
    expect(doc).toContain(`src="${BASE}/avatar/u_bob.svg"`)
    expect(doc).toMatch(/type="submit">切换当前用户</)
  })

  it('says how many consents it remembers, and has a button that forgets them', () => {
    const zh = renderHome(views.home('zh'))
    expect(zh).toContain('授权记录')
    expect(zh).toContain('模拟器当前记住 2 条')
    expect(zh).toMatch(/type="submit">忘记授权记录</)
    const en = renderHome(views.home('en'))
    expect(en).toContain('for 30 days')
    expect(en).toMatch(/type="submit">Forget consents</)
  })

  it('shows demo links as buttons, the recent requests and the base URL', () => {
    const v = views.home('en')
    const doc = renderHome(v)
    for (const d of v.demos) expect(doc).toContain(`<a class="btn" href="${d.url}">${d.label}</a>`)
    expect(doc).toContain('<table>')
    expect(doc).toContain('redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&amp;response_type')
    expect(doc).toContain('[REDACTED]')
    expect(doc).toContain('48001')
    expect(doc).toContain('302')
    expect(doc).toContain(`<code>${BASE}</code>`)
    expect(doc).toContain('Recent requests')
  })

  it('says so when there is nothing to show', () => {
    const doc = renderHome({ ...views.home('zh'), apps: [], users: [], requests: [], demos: [] })
    expect(doc).toContain('没有配置应用')
    expect(doc).toContain('暂无请求')
    expect(doc).toContain('模拟器中没有用户')
    expect(doc).not.toContain('<table>')
  })

  it('escapes every field', () => {
    const v = views.home('zh')
    const doc = renderHome({
      ...v,
      baseUrl: XSS,
      apps: [
        {
          appId: XSS,
          name: XSS,
          kind: 'component',
          domains: [XSS],
          scopes: [XSS],
          unionid: false,
          secretHint: XSS,
        },
      ],
      users: users(XSS),
      currentUserAction: URL_XSS,
      requests: [{ time: XSS, method: XSS, target: XSS, status: 500, errcode: -1 }],
      demos: [{ label: XSS, url: URL_XSS }],
    })
    expect(doc).not.toContain('<script>alert')
    expect(doc).not.toContain('<img src=x')
    expect(doc.split(XSS_ESCAPED).length).toBeGreaterThanOrEqual(12)
    expect(attributeNames(doc).filter((n) => /^on/i.test(n))).toEqual([])
  })
})

describe('renderDemoCallback', () => {
  it('shows what arrived and the result JSON', () => {
    const v = views.demoCallback('zh')
    const doc = renderDemoCallback(v)
    expect(doc).toContain('<code>code</code>')
    expect(doc).toContain('<code>061y…</code>')
    expect(doc).toContain('<h2>sns/oauth2/access_token</h2>')
    expect(doc).toContain('<pre><code>{\n  &quot;access_token&quot;: &quot;[REDACTED]&quot;')
    expect(doc).toContain(`href="${v.homeUrl}"`)
    expect(doc).toContain('登录成功')
    expect(renderDemoCallback(views.demoCallback('en'))).toContain('Back to the emulator home')
  })

  it('shows the error', () => {
    const doc = renderDemoCallback({
      ...views.demoCallback('en'),
      result: undefined,
      error: 'The user refused.',
    })
    expect(doc).toContain('The user refused.')
    expect(doc).toContain('Login not completed')
  })

  it('escapes names, values, titles, JSON and the error', () => {
    const doc = renderDemoCallback({
      lang: 'zh',
      received: [{ name: XSS, value: XSS }],
      result: [{ title: XSS, json: XSS }],
      error: XSS,
      homeUrl: URL_XSS,
    })
    expect(doc).not.toContain('<script>alert')
    expect(doc.split(XSS_ESCAPED)).toHaveLength(6)
  })
})

describe('qrSvg', () => {
  it('returns an SVG QR code with a quiet border', () => {
    const svg = qrSvg(confirmUrl)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.endsWith('</svg>')).toBe(true)
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"')
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1])
    const coords = [...svg.matchAll(/M(\d+),(\d+)/g)].flatMap((m) => [Number(m[1]), Number(m[2])])
    expect(coords.length).toBeGreaterThan(0)
    expect(Math.min(...coords)).toBeGreaterThanOrEqual(40)
    expect(Math.max(...coords)).toBeLessThanOrEqual(size - 50)
  })

  it('is deterministic and different input gives a different image', () => {
    expect(qrSvg(confirmUrl)).toBe(qrSvg(confirmUrl))
    expect(qrSvg(`${confirmUrl}X`)).not.toBe(qrSvg(confirmUrl))
  })

  it('never puts its input into the markup', () => {
    expect(qrSvg(XSS)).not.toContain('script')
  })
})

describe('avatarSvg', () => {
  it('is deterministic, coloured by id, and shows the first character', () => {
    const a = avatarSvg({ id: 'u_alice', nickname: '张小明' })
    expect(a).toBe(avatarSvg({ id: 'u_alice', nickname: '张小明' }))
    expect(a.startsWith('<svg')).toBe(true)
    expect(a).toMatch(/>张<\/text>/)
    const fills = new Set(
      ['a', 'b', 'c', 'd', 'e', 'f'].map(
        (id) => /<rect [^>]*fill="(#[0-9a-f]{6})"/.exec(avatarSvg({ id, nickname: 'x' }))?.[1],
      ),
    )
    expect(fills.size).toBeGreaterThan(1)
  })

  it('handles Latin, emoji, blank and empty nicknames', () => {
    expect(avatarSvg({ id: '1', nickname: 'bob' })).toMatch(/>B<\/text>/)
    expect(avatarSvg({ id: '1', nickname: '😀 smile' })).toMatch(/>😀<\/text>/)
    expect(avatarSvg({ id: '1', nickname: '  \u0000 li' })).toMatch(/>L<\/text>/)
    expect(avatarSvg({ id: '1', nickname: '' })).toMatch(/>\?<\/text>/)
  })

  it('escapes the nickname', () => {
    const svg = avatarSvg({ id: '1', nickname: XSS })
    expect(svg).not.toContain('<script')
    expect(svg).toMatch(/>&lt;<\/text>/)
    expect(svg).toContain(`aria-label="${XSS_ESCAPED}"`)
    expect(avatarSvg({ id: '1', nickname: '" onload="x' })).toMatch(/>&quot;<\/text>/)
  })
})
