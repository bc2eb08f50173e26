/**
 * A tiny application on node:http that signs its users in with WeChat through the public pieces:
 * `createWxAuth` wired to a listening emulator, mounted with `wxauthHandler`, and a home page of
 * its own that shows who is signed in.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getSession, wxauthHandler } from '../../src/adapters/node/index.js'
import type { Session } from '../../src/flow/types.js'
import { defaultOfficialAccount, defaultWebsiteApp } from '../helpers/emulator.js'
import { createWxAuth } from '../helpers/wxauth.js'

/** The app, listening on `http://localhost:<port>`. */
export interface LoginApp {
  /** `http://localhost:<port>`: the app's public origin, its `baseUrl`. */
  origin: string
  close(): Promise<void>
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const TEXT = {
  zh: {
    title: '示例应用',
    signedOut: '你还没有登录。',
    signIn: '使用微信登录',
    signedIn: '你已登录',
    openid: 'OpenID',
    nickname: '昵称',
    logout: '退出登录',
  },
  en: {
    title: 'Example app',
    signedOut: 'You are not signed in.',
    signIn: 'Sign in with WeChat',
    signedIn: 'You are signed in',
    openid: 'OpenID',
    nickname: 'Nickname',
    logout: 'Log out',
  },
}

function homePage(req: IncomingMessage, session: Session | null): string {
  const lang = /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh' : 'en'
  const t = TEXT[lang]
  const body = session
    ? `<h1>${t.signedIn}</h1>
<dl>
<dt>${t.openid}</dt><dd><code data-testid="openid">${escapeHtml(session.identity.openid)}</code></dd>
<dt>${t.nickname}</dt><dd data-testid="nickname">${escapeHtml(session.identity.profile?.nickname ?? '')}</dd>
</dl>
<form method="post" action="/auth/wechat/logout"><button type="submit">${t.logout}</button></form>`
    : `<h1>${t.title}</h1>
<p>${t.signedOut}</p>
<p><a href="/auth/wechat/login?returnTo=/">${t.signIn}</a></p>`
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title}</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}code{word-break:break-all}</style>
</head>
<body>
${body}
</body>
</html>
`
}

/** Starts the app against the emulator at `emulatorUrl`. */
export async function startLoginApp(emulatorUrl: string): Promise<LoginApp> {
  let handle: ReturnType<typeof wxauthHandler> | undefined
  let auth: ReturnType<typeof createWxAuth> | undefined
  const server: Server = createServer(async (req, res) => {
    try {
      if (!handle || !auth) throw new Error('not ready')
      if (await handle(req, res)) return
      if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
        const html = homePage(req, await getSession(auth, req))
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        })
        res.end(html)
        return
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found')
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://localhost:${port}`
  auth = createWxAuth({
    apps: {
      official: { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret },
      website: { appId: defaultWebsiteApp.appId, appSecret: defaultWebsiteApp.secret },
    },
    baseUrl: origin,
    secrets: [randomBytes(32).toString('base64url')],
    apiBaseUrl: emulatorUrl,
    openBaseUrl: emulatorUrl,
  })
  handle = wxauthHandler(auth)
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
