/**
 * The emulator's pages follow the browser's language (issue 11, item 5): `Accept-Language`, or
 * the WeChat client's `Language/…` in its User-Agent. A Chinese page is Chinese throughout and an
 * English page English throughout: no label, message, hint or banner in the other language.
 *
 * The emulator here has apps and users with ASCII names, so that any Chinese on an English page is
 * the emulator's own text; on a Chinese page, identifiers (AppID, snsapi_userinfo, redirect_uri,
 * allowLocalPorts, URLs, `<code>`) are fine, English words are not.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, defaultApps, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, hrefs, postForm, requestIdOf, web } from './helpers.js'

type Lang = 'zh' | 'en'

const apps = defaultApps.map((app) => ({ ...app, name: `Demo ${app.kind}` }))
const users = [
  { id: 'alice', nickname: 'Alice' },
  { id: 'bob', nickname: 'Bob' },
  { id: 'snap', nickname: 'Snap', snapshot: true },
]
const ACCEPT: Record<Lang, string> = { zh: 'zh-CN,zh;q=0.9,en;q=0.8', en: 'en-US,en;q=0.9' }
const wechatUA = (lang: Lang) =>
  `Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/${lang === 'zh' ? 'zh_CN' : 'en'}`
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0 Safari/537.36'
const WECOM_UA = 'Mozilla/5.0 (iPhone) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22'

function emulator(behaviour = {}): Emulator {
  return createEmulator({ apps, users, behaviour })
}

/** Every page a person can meet, in `lang`: name → HTML. */
async function pages(lang: Lang): Promise<[string, string][]> {
  const out: [string, string][] = []
  const get = async (
    name: string,
    url: string,
    ua = DESKTOP_UA,
    emu = emulator(),
    cookie?: string,
  ): Promise<string> => {
    const headers: Record<string, string> = { 'accept-language': ACCEPT[lang], 'user-agent': ua }
    if (cookie) headers.cookie = cookie
    const res = await emu.fetch(url, { headers, redirect: 'manual' })
    const html = await res.text()
    out.push([name, html])
    return html
  }
  const inWeChat = wechatUA(lang)
  const qr = (extra = '') =>
    authorizeUrl({ appid: web.appId, scope: 'snsapi_login', extra }, '/connect/qrconnect')

  const home = await get('home', 'http://127.0.0.1:8900/')
  await get('open in WeChat', authorizeUrl())
  await get('WeCom', authorizeUrl(), WECOM_UA)
  await get('10003', authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), inWeChat)
  await get(
    '10003, a local port',
    authorizeUrl(),
    inWeChat,
    createEmulator({ apps, users, allowLocalPorts: undefined }),
  )
  await get('10012', authorizeUrl({ appid: '' }), inWeChat)
  await get('10005', authorizeUrl({ scope: 'snsapi_login' }), inWeChat)
  await get('10016', authorizeUrl({ appid: web.appId }), inWeChat)
  await get('unknown appid', authorizeUrl({ appid: 'wx0000000000000000' }), inWeChat)
  await get('state too long', authorizeUrl({ state: 'a'.repeat(129) }), inWeChat)
  await get(
    'parameter order',
    authorizeUrl({ extra: 'appid=x' }).replace('appid=', 'z=1&appid='),
    inWeChat,
  )
  await get('qrconnect error', qr().replace('snsapi_login', 'snsapi_base'), DESKTOP_UA)
  const faulty = emulator()
  faulty.fail('connect/oauth2/authorize', { page: 10009 })
  await get('an injected page fault', authorizeUrl(), inWeChat, faulty)
  await get('consent', authorizeUrl(), inWeChat)
  await get('snapshot page', authorizeUrl(), inWeChat, emulator(), 'wxemu_user=snap')
  await get('QR login page (no lang parameter)', qr(), DESKTOP_UA)
  const withQr = emulator()
  const qrPage = await get('QR login page', qr(), DESKTOP_UA, withQr)
  const confirm = hrefs(qrPage).find((h) => h.includes('/confirm')) as string
  await get('QR confirm page', confirm, inWeChat, withQr)

  const headers = { 'accept-language': ACCEPT[lang], 'user-agent': inWeChat }
  const post = async (
    name: string,
    emu: Emulator,
    path: string,
    fields: Record<string, string>,
  ) => {
    const res = await postForm(emu, path, fields, headers)
    const html = await res.text()
    out.push([name, html])
    return { res, html }
  }
  await post('consent expired', emulator(), '/__emulator/consent', {
    request: 'gone',
    decision: 'allow',
  })
  const refusing = emulator({ refusal: 'none' })
  const consent = await refusing.fetch(authorizeUrl(), { headers })
  await post('refused (no redirect)', refusing, '/__emulator/consent', {
    request: requestIdOf(await consent.text()),
    decision: 'deny',
  })

  const demo = emulator()
  const demoHome = await (await demo.fetch('http://127.0.0.1:8900/', { headers })).text()
  const base = hrefs(demoHome).find((h) => h.includes('snsapi_base')) as string
  const back = await demo.fetch(base, { headers, redirect: 'manual' })
  await get('demo callback, logged in', back.headers.get('location') as string, inWeChat, demo)
  const callback = `http://127.0.0.1:8900/__emulator/demo/callback?app=${apps[0]?.appId}`
  await get('demo callback, refused', `${callback}&state=x`)
  await get('demo callback, bad code', `${callback}&code=nonsense&state=x`)
  await get('demo callback, unknown app', 'http://127.0.0.1:8900/__emulator/demo/callback?app=x')
  expect(home).toContain('<form')
  return out
}

/** The document without styles and scripts. */
const markup = (doc: string) =>
  doc.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<script>[\s\S]*?<\/script>/g, '')

const cjk = (doc: string) => markup(doc).match(/[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/gu) ?? []

/** Latin words on a page that are English, not identifiers (text only, `<code>` left out). */
function englishWords(doc: string): string[] {
  const text = markup(doc)
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    // Commands and literals are identifiers too.
    .replace(/\bwxauth (?:dev|emulator)\b|\b(?:true|false)\b/g, ' ')
  const identifier = /[_/.:=#?@-]|^[A-Z0-9]{2,}s?$|[a-z][A-Z]|\d/
  const names = new Set([
    'wxauth',
    'AppID',
    'AppSecret',
    'UnionID',
    'openid',
    'unionid',
    'code',
    'state',
    'scope',
    'MicroMessenger',
    'wxwork',
    'JavaScript',
    'Demo',
    'official',
    'website',
    'miniprogram',
    'component',
    'Alice',
    'Bob',
    'Snap',
    'alice',
    'bob',
    'snap',
    'localhost',
    'appid',
    'Appid',
  ])
  return text
    .split(/[\s,;()（）“”"'、，。：！？]+/)
    .filter((token) => !/[_/:=#?@]|^--?\w|\w-\w|\w\.\w/.test(token))
    .map((word) => word.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''))
    .filter((word) => /[A-Za-z]{2,}/.test(word) && !identifier.test(word) && !names.has(word))
}

describe('page language (Accept-Language, or Language/ in a WeChat User-Agent)', () => {
  it('the home page and error pages follow Accept-Language: English pages fully English', async () => {
    for (const [name, doc] of await pages('en')) {
      expect(doc, name).toContain('<html lang="en">')
      expect(cjk(doc).join(''), name).toBe('')
    }
  })

  it('the home page and error pages follow Accept-Language: Chinese pages fully Chinese', async () => {
    for (const [name, doc] of await pages('zh')) {
      expect(doc, name).toContain('<html lang="zh-CN">')
      expect(englishWords(doc), name).toEqual([])
    }
  })

  it('without Accept-Language, and for a language it does not speak, pages are Chinese, as WeChat', async () => {
    const emu = emulator()
    for (const accept of [undefined, 'fr-FR,fr;q=0.9', '*']) {
      const headers: Record<string, string> = accept ? { 'accept-language': accept } : {}
      const home = await (await emu.fetch('/', { headers })).text()
      expect(home, accept).toContain('<html lang="zh-CN">')
    }
    // The preferred language by q-value, not by position.
    const en = await emu.fetch('/', { headers: { 'accept-language': 'zh;q=0.5, en;q=0.9' } })
    expect(await en.text()).toContain('<html lang="en">')
  })

  it('a WeChat client says its language in its User-Agent, which wins over Accept-Language', async () => {
    const emu = emulator()
    const page = await emu.fetch(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), {
      headers: { 'user-agent': wechatUA('en'), 'accept-language': ACCEPT.zh },
    })
    const doc = await page.text()
    expect(doc).toContain('<html lang="en">')
    expect(doc).toContain('Error code: 10003')
  })

  it('qrconnect keeps its own lang parameter (cn | en) over Accept-Language', async () => {
    const emu = emulator()
    const qr = (lang: string) =>
      authorizeUrl(
        { appid: web.appId, scope: 'snsapi_login', extra: `lang=${lang}` },
        '/connect/qrconnect',
      )
    const en = await emu.fetch(qr('en'), { headers: { 'accept-language': ACCEPT.zh } })
    expect(await en.text()).toContain('<html lang="en">')
    const cn = await emu.fetch(qr('cn'), { headers: { 'accept-language': ACCEPT.en } })
    expect(await cn.text()).toContain('<html lang="zh-CN">')
  })
})
