/** The dev app's home page: a sign-in button, or who is signed in. */
import { html, raw, safeUrl } from '../../emulator/pages/html.js'
import type { PageLang } from '../../flow/pages/negotiate.js'
import { STYLES } from '../../flow/pages/styles.js'
import type { Session } from '../../flow/types.js'

const TEXT = {
  title: { zh: 'wxauth 示例应用', en: 'wxauth demo app' },
  lead: {
    zh: '本地开发：由 wxauth 模拟器代替微信完成登录。',
    en: 'Local development: the wxauth emulator stands in for WeChat.',
  },
  signIn: { zh: '微信登录', en: 'Sign in with WeChat' },
  hint: {
    zh: '桌面浏览器会打开模拟器的二维码页，点“模拟扫码”即可；在微信内（或使用微信的 User-Agent）会打开授权确认页。',
    en: 'A desktop browser gets the emulator’s QR page: click “Simulate scan”. Inside WeChat (or with a WeChat user agent) you get the consent page.',
  },
  signedIn: { zh: '已登录', en: 'Signed in' },
  noProfile: { zh: '（snsapi_base：没有昵称和头像）', en: '(snsapi_base: no nickname or avatar)' },
  none: { zh: '无', en: 'none' },
  logout: { zh: '退出登录', en: 'Sign out' },
  session: { zh: '会话 JSON', en: 'Session as JSON' },
} as const

const EXTRA_STYLES = `
.avatar{display:block;width:72px;height:72px;margin:4px auto 12px;border-radius:12px;background:var(--line)}
dl{margin:20px 0 0;text-align:left;font-size:14px}
dt{color:var(--muted);margin-top:10px}
dd{margin:0;font:13px/1.5 var(--mono);overflow-wrap:anywhere}
form{margin:0}
`

/** Origin of an absolute http(s) URL, for the page's `img-src`; undefined otherwise. */
function httpOrigin(url: string | undefined): string | undefined {
  const parsed = url ? URL.parse(url) : null
  return parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')
    ? parsed.origin
    : undefined
}

/** The home page's HTML and the Content-Security-Policy it needs. */
export function renderHome(
  session: Session | null,
  lang: PageLang,
  basePath: string,
): { body: string; csp: string } {
  const t = (key: keyof typeof TEXT) => TEXT[key][lang]
  const profile = session?.identity.profile
  // The avatar is the only resource from elsewhere: WeChat's (here the emulator's) image host.
  const avatarOrigin = httpOrigin(profile?.avatarUrl)
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data:${avatarOrigin ? ` ${avatarOrigin}` : ''}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

  const content = session
    ? html`${
        avatarOrigin && profile
          ? html`<img class="avatar" src="${safeUrl(profile.avatarUrl)}" alt="" width="72" height="72">`
          : ''
      }
<h1>${profile?.nickname ?? t('signedIn')}</h1>
<p class="lead">${profile ? t('signedIn') : t('noProfile')}</p>
<dl>
<dt>openid</dt><dd>${session.identity.openid}</dd>
<dt>unionid</dt><dd>${session.identity.unionid ?? t('none')}</dd>
<dt>appid</dt><dd>${session.identity.appId}</dd>
<dt>scope</dt><dd>${session.identity.scope}</dd>
</dl>
<div class="actions">
<form method="post" action="${basePath}/logout"><button class="btn" type="submit">${t('logout')}</button></form>
</div>
<p class="ref"><a href="${basePath}/session">${t('session')}</a></p>`
    : html`<h1>${t('title')}</h1>
<p class="lead">${t('lead')}</p>
<div class="actions"><a class="btn primary" href="${basePath}/login">${t('signIn')}</a></div>
<p class="hint">${t('hint')}</p>`

  const body = html`<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<link rel="icon" href="data:,">
<title>${t('title')}</title>
<style>${raw(STYLES + EXTRA_STYLES)}</style>
</head>
<body>
<main class="wrap"><div class="card">
${content}
</div></main>
</body>
</html>
`.value
  return { body, csp }
}
