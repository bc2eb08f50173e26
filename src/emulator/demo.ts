/**
 * The emulator's own relying party: demo login links on the home page and the callback they come
 * back to, which exchanges the code in-process and shows what an application would receive.
 */
import { SECRET_PARAMS } from '../client/endpoints.js'
import { REDACTED } from '../client/redact.js'
import type { AppConfig } from './config.js'
import type { Ctx, Env } from './context.js'
import { newHandle } from './ids.js'
import { pageLangOf } from './open/ua.js'
import { texts } from './pages/i18n.js'
import { renderDemoCallback } from './pages/index.js'
import type { PageLang } from './pages/views.js'
import { htmlReply, type Reply } from './reply.js'
import { authorizeUrl, controlPrefix } from './urls.js'

/** Path of the demo callback. */
export const demoCallbackPath = `${controlPrefix}demo/callback`

const T = {
  official: { zh: '公众号网页授权', en: 'Official account,' },
  website: { zh: '网站应用扫码登录', en: 'Website QR login,' },
  unknownApp: { zh: '演示回调中的应用未知。', en: 'Unknown app in the demo callback.' },
  refused: {
    zh: '没有 code：用户拒绝了授权（只带回了 state）。',
    en: 'No code: the user refused (only state came back).',
  },
  requestFailed: {
    zh: '请求模拟器失败（注入的故障？）。',
    en: 'The request to the emulator failed (an injected fault?).',
  },
  exchangeFailed: { zh: '用 code 换取 access_token 失败。', en: 'The code exchange failed.' },
}

/** Login links for the first official account and website app, back to the demo callback. */
export function demoLinks(
  env: Env,
  base: string,
  lang: PageLang,
): { label: string; url: string }[] {
  const t = texts(lang, T)
  const apps = env.world.apps.list()
  const oa = apps.find((a) => a.kind === 'official')
  const web = apps.find((a) => a.kind === 'website')
  const callback = (appId: string) => `${base}${demoCallbackPath}?app=${encodeURIComponent(appId)}`
  const links: { label: string; url: string }[] = []
  if (oa) {
    for (const scope of ['snsapi_base', 'snsapi_userinfo']) {
      links.push({
        label: `${t.official} ${scope}`,
        url: authorizeUrl(base, '/connect/oauth2/authorize', {
          appid: oa.appId,
          redirectUri: callback(oa.appId),
          scope,
          state: newHandle(16),
        }),
      })
    }
  }
  if (web) {
    links.push({
      label: `${t.website} snsapi_login`,
      url: authorizeUrl(base, '/connect/qrconnect', {
        appid: web.appId,
        redirectUri: callback(web.appId),
        scope: 'snsapi_login',
        state: newHandle(16),
      }),
    })
  }
  return links
}

/** Fields shown only by their first 3 characters: the client's secret parameters. */
const tokenFields: ReadonlySet<string> = new Set(SECRET_PARAMS)

function redactJson(body: string): string {
  try {
    const value = JSON.parse(body) as unknown
    return JSON.stringify(
      value,
      (key, v) =>
        tokenFields.has(key) && typeof v === 'string' ? `${v.slice(0, 3)}…${REDACTED}` : v,
      2,
    )
  } catch {
    return '(not JSON)'
  }
}

/** GET /__emulator/demo/callback?app=APPID&code=…&state=… */
export async function demoCallback(ctx: Ctx): Promise<Reply> {
  const { env, url } = ctx
  const received = [...url.searchParams].map(([name, value]) => ({
    name,
    value: name === 'code' ? `${value.slice(0, 4)}…` : value,
  }))
  const lang = pageLangOf(ctx.request)
  const t = texts(lang, T)
  const view = { lang, received, homeUrl: '/' }
  const app = env.world.apps.get(url.searchParams.get('app') ?? '')
  const code = url.searchParams.get('code')
  if (!app) return htmlReply(renderDemoCallback({ ...view, error: t.unknownApp }))
  if (!code) return htmlReply(renderDemoCallback({ ...view, error: t.refused }))
  try {
    const { result, ok } = await exchangeAndFetch(env, app, code)
    return htmlReply(
      renderDemoCallback({ ...view, result, ...(!ok && { error: t.exchangeFailed }) }),
    )
  } catch {
    return htmlReply(renderDemoCallback({ ...view, error: t.requestFailed }))
  }
}

async function exchangeAndFetch(
  env: Env,
  app: AppConfig,
  code: string,
): Promise<{ result: { title: string; json: string }[]; ok: boolean }> {
  const q = new URLSearchParams({
    appid: app.appId,
    secret: app.secret,
    code,
    grant_type: 'authorization_code',
  })
  const tokenText = await (
    await env.fetch(`https://api.weixin.qq.com/sns/oauth2/access_token?${q}`)
  ).text()
  const result = [{ title: 'GET /sns/oauth2/access_token', json: redactJson(tokenText) }]
  let token: { access_token?: unknown; openid?: unknown; scope?: unknown; errcode?: unknown } = {}
  try {
    token = JSON.parse(tokenText)
  } catch {}
  if (token.errcode !== undefined || typeof token.access_token !== 'string') {
    return { result, ok: false }
  }
  const scopes = String(token.scope).split(',')
  if (scopes.includes('snsapi_userinfo') || scopes.includes('snsapi_login')) {
    const u = new URLSearchParams({
      access_token: token.access_token,
      openid: String(token.openid),
      lang: 'zh_CN',
    })
    const info = await env.fetch(`https://api.weixin.qq.com/sns/userinfo?${u}`)
    result.push({ title: 'GET /sns/userinfo', json: redactJson(await info.text()) })
  }
  return { result, ok: true }
}
