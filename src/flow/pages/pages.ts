import { html, raw, type SafeHtml, safeUrl } from '../../emulator/pages/html.js'
import { absoluteHttpUrl, icon, page, qrCodeSvg } from './layout.js'
import type { PageLang } from './negotiate.js'
import { type Bilingual, PROBLEMS, type ProblemCode } from './problems.js'

/** Fields every page view carries. */
export interface BaseView {
  lang: PageLang
}

/** A desktop browser and no website app: scan a QR code of the login link with WeChat. */
export interface ScanQrView extends BaseView {
  /** Absolute `http(s)` URL that starts the login; anything else is neither shown nor encoded. */
  loginUrl: string
  /** A trusted, ready `<svg>` of the QR code (e.g. from {@link qrCodeSvg}); built from `loginUrl` when absent. */
  qrSvg?: string
}

/** A phone browser outside WeChat: how to open the login link in WeChat. */
export interface OpenInWeChatView extends BaseView {
  /** Absolute `http(s)` URL that starts the login. */
  loginUrl: string
}

/** WeCom (企业微信): WeChat login does not work here; open the link in WeChat. */
export interface WeComView extends BaseView {
  /** Absolute `http(s)` URL that starts the login. */
  loginUrl: string
}

/** A login that ended without a session. */
export interface ProblemView extends BaseView {
  code: ProblemCode
  /** Where "Try again" leads (relative or `http(s)`); no button when absent or unsafe. */
  retryUrl?: string
  /** Where "Back to the site" leads, for a person who meant to stop; no link when absent. */
  backUrl?: string
}

/** A snapshot-page (快照页) user: tap "使用完整服务", then try again. */
export interface SnapshotView extends BaseView {
  /** Where "Try again" leads (relative or `http(s)`). */
  retryUrl: string
}

/** Picks every entry of a bilingual table in the page language. */
function texts<K extends string>(lang: PageLang, table: Record<K, Bilingual>): Record<K, string> {
  const out = {} as Record<K, string>
  for (const key of Object.keys(table) as K[]) out[key] = table[key][lang]
  return out
}

const COMMON = {
  linkLabel: { zh: '登录链接', en: 'Login link' },
  copy: { zh: '复制链接', en: 'Copy link' },
  copied: { zh: '已复制', en: 'Copied' },
  retry: { zh: '重试', en: 'Try again' },
  back: { zh: '返回网站', en: 'Back to the site' },
  code: { zh: '代码', en: 'Code' },
  qrLabel: { zh: '登录二维码', en: 'Login QR code' },
  showQr: { zh: '显示二维码', en: 'Show QR code' },
}

/** The login link as selectable text (never a link), with a copy button that script reveals. */
function linkBox(lang: PageLang, url: string): SafeHtml {
  const t = texts(lang, COMMON)
  const rows = Math.min(5, Math.max(2, Math.ceil(url.length / 40)))
  return html`<div class="link">
<label for="login-link">${t.linkLabel}</label>
<textarea id="login-link" rows="${rows}" readonly spellcheck="false" autocapitalize="off" autocomplete="off">${url}</textarea>
<button type="button" class="btn" data-copy="login-link" data-done="${t.copied}" hidden>${t.copy}</button>
</div>`
}

function qrBox(lang: PageLang, url: string, svg?: string): SafeHtml | '' {
  let code = svg
  try {
    code ??= qrCodeSvg(url, COMMON.qrLabel[lang])
  } catch {
    // A link too long for a QR code: the page still offers it to copy.
    return ''
  }
  return html`<div class="qr">${raw(code)}</div>`
}

function steps(items: readonly string[]): SafeHtml {
  return html`<ol class="steps">${items.map((item) => html`<li>${item}</li>`)}</ol>`
}

function reference(lang: PageLang, code: ProblemCode): SafeHtml {
  return html`<p class="ref">${COMMON.code[lang]}: <code>${code}</code></p>`
}

function retryButton(lang: PageLang, retryUrl: string | undefined): SafeHtml | '' {
  if (retryUrl === undefined || retryUrl === '') return ''
  const href = safeUrl(retryUrl)
  if (href === '#') return ''
  return html`<div class="actions"><a class="btn primary" href="${href}">${COMMON.retry[lang]}</a></div>`
}

function backLink(lang: PageLang, backUrl: string | undefined): SafeHtml | '' {
  if (backUrl === undefined || backUrl === '') return ''
  const href = safeUrl(backUrl)
  if (href === '#') return ''
  return html`<p class="hint"><a href="${href}">${COMMON.back[lang]}</a></p>`
}

const SCAN = {
  title: { zh: '微信扫码登录', en: 'Log in with WeChat' },
  heading: { zh: '请使用微信扫一扫登录', en: 'Scan with WeChat to log in' },
  lead: {
    zh: '打开手机微信，点击右上角“+”，选择“扫一扫”，扫描下方二维码。',
    en: 'Open WeChat on your phone, tap “+” at the top right, choose “Scan” and scan the code below.',
  },
  after: {
    zh: '登录将在手机上的微信中完成，本页面不会自动跳转。',
    en: 'You will then be logged in on your phone, inside WeChat; this page will not change.',
  },
  send: {
    zh: '也可以把下面的链接发送到微信（例如“文件传输助手”），在微信中打开。',
    en: 'You can also send the link below to yourself in WeChat (for example to “File Transfer”) and open it there.',
  },
}

/** Desktop browser, no website app: "Scan with WeChat to log in" with a QR code of the login link. */
export function renderScanQr(v: ScanQrView): string {
  const t = texts(v.lang, SCAN)
  const url = absoluteHttpUrl(v.loginUrl)
  const body = html`<section class="card">
${icon('scan')}
<h1>${t.heading}</h1>
<p class="lead">${t.lead}</p>
${url === undefined ? '' : qrBox(v.lang, url, v.qrSvg)}
<p class="hint">${t.after}</p>
${url === undefined ? '' : html`<p class="hint">${t.send}</p>${linkBox(v.lang, url)}`}
</section>`
  return page({ lang: v.lang, title: t.title, body, copyScript: url !== undefined })
}

const OPEN = {
  title: { zh: '请在微信中打开', en: 'Open in WeChat' },
  heading: { zh: '请在微信中打开此链接', en: 'Open this link in WeChat' },
  lead: {
    zh: '微信登录只能在微信内置浏览器中进行。',
    en: 'WeChat login works only inside WeChat’s built-in browser.',
  },
  step1: { zh: '复制下方的登录链接。', en: 'Copy the login link below.' },
  step2: {
    zh: '在微信中把它发送给自己，例如发到“文件传输助手”。',
    en: 'In WeChat, send it to yourself, for example to “File Transfer” (文件传输助手).',
  },
  step3: {
    zh: '在微信聊天中点击这个链接，完成登录。',
    en: 'Tap the link in the WeChat chat to log in.',
  },
  desktop: {
    zh: '也可以在电脑浏览器中打开这个链接，再用手机微信扫描页面上的二维码。',
    en: 'Or open the link in a browser on a computer and scan the QR code shown there with WeChat.',
  },
  album: {
    zh: '截屏保存二维码，然后在微信“扫一扫”中点击相册，选择这张截图。',
    en: 'Take a screenshot of the code, then in WeChat’s “Scan” open your album and pick the screenshot.',
  },
}

/** Phone browser outside WeChat: how to open the login link in WeChat. */
export function renderOpenInWeChat(v: OpenInWeChatView): string {
  const t = texts(v.lang, OPEN)
  const url = absoluteHttpUrl(v.loginUrl)
  const body = html`<section class="card">
${icon('phone')}
<h1>${t.heading}</h1>
<p class="lead">${t.lead}</p>
${steps(url === undefined ? [t.step2, t.step3] : [t.step1, t.step2, t.step3])}
${url === undefined ? '' : linkBox(v.lang, url)}
${
  url === undefined
    ? ''
    : html`<details><summary>${COMMON.showQr[v.lang]}</summary>${qrBox(v.lang, url)}<p class="hint">${t.album}</p></details>`
}
<p class="hint">${t.desktop}</p>
</section>`
  return page({ lang: v.lang, title: t.title, body, copyScript: url !== undefined })
}

const WECOM = {
  title: { zh: '企业微信中无法使用微信登录', en: 'WeChat login doesn’t work in WeCom' },
  lead: {
    zh: '企业微信不支持微信登录，请在微信中打开此链接。',
    en: 'WeCom (企业微信) doesn’t support logging in with WeChat. Please open this link in WeChat.',
  },
  step1: { zh: '复制下方的登录链接。', en: 'Copy the login link below.' },
  step2: {
    zh: '打开微信，把链接发送给自己，例如发到“文件传输助手”。',
    en: 'Open WeChat and send the link to yourself, for example to “File Transfer” (文件传输助手).',
  },
  step3: {
    zh: '在微信聊天中点击这个链接，完成登录。',
    en: 'Tap the link in the WeChat chat to log in.',
  },
  scan: {
    zh: '在电脑上使用企业微信时，可以直接用手机微信扫描此二维码。',
    en: 'Using WeCom on a computer? Scan this code with WeChat on your phone.',
  },
}

/** WeCom (企业微信): WeChat login does not work here; open the link in WeChat. */
export function renderWeCom(v: WeComView): string {
  const t = texts(v.lang, WECOM)
  const url = absoluteHttpUrl(v.loginUrl)
  const body = html`<section class="card">
${icon('notice')}
<h1>${t.title}</h1>
<p class="lead">${t.lead}</p>
${steps(url === undefined ? [t.step2, t.step3] : [t.step1, t.step2, t.step3])}
${
  url === undefined
    ? ''
    : html`${linkBox(v.lang, url)}<details><summary>${COMMON.showQr[v.lang]}</summary>${qrBox(v.lang, url)}<p class="hint">${t.scan}</p></details>`
}
</section>`
  return page({ lang: v.lang, title: t.title, body, copyScript: url !== undefined })
}

const SNAPSHOT = {
  lead: {
    zh: '你正在微信的预览模式（快照页）中，此模式下无法登录。',
    en: 'You’re in WeChat’s preview mode (snapshot page), where logging in isn’t possible.',
  },
  step1: {
    zh: '点击微信页面底部的“使用完整服务”。',
    en: 'Tap “使用完整服务” (Use full service) at the bottom of the WeChat page.',
  },
  step2: { zh: '在弹出的窗口中点击“允许”。', en: 'Tap “Allow” in the window that opens.' },
  step3: {
    zh: '如果页面没有自动继续，点击下方的“重试”。',
    en: 'If nothing happens, tap “Try again” below.',
  },
}

function snapshotPage(lang: PageLang, retryUrl: string | undefined): string {
  const t = texts(lang, SNAPSHOT)
  const retry = retryButton(lang, retryUrl)
  const title = PROBLEMS.snapshot_user.title[lang]
  const body = html`<section class="card">
${icon('info')}
<h1>${title}</h1>
<p class="lead">${t.lead}</p>
${steps(retry === '' ? [t.step1, t.step2] : [t.step1, t.step2, t.step3])}
${retry}
</section>
${reference(lang, 'snapshot_user')}`
  return page({ lang, title, body, tallBottom: true })
}

/** A snapshot-page (快照页) user: tap "使用完整服务" at the bottom of the WeChat page, then try again. */
export function renderSnapshot(v: SnapshotView): string {
  return snapshotPage(v.lang, v.retryUrl)
}

/** The page for an outcome code: title, one sentence, a retry button when given, the code in small print. */
export function renderProblem(v: ProblemView): string {
  if (v.code === 'snapshot_user') return snapshotPage(v.lang, v.retryUrl)
  const p = PROBLEMS[v.code]
  const title = p.title[v.lang]
  const body = html`<section class="card">
${icon(p.tone)}
<h1>${title}</h1>
<p class="lead">${p.message[v.lang]}</p>
${retryButton(v.lang, v.retryUrl)}
${backLink(v.lang, v.backUrl)}
</section>
${reference(v.lang, v.code)}`
  return page({ lang: v.lang, title, body })
}
