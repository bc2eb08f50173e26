// Sign in with WeChat on Hono, served by Node. See ../README.md for the environment variables.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createWxAuth } from 'wxauth'
import { wxauth } from 'wxauth/hono'
import { configured, listening } from '../startup.mjs'

const port = Number(process.env.PORT ?? 3000)

// Exits with a line naming the variables to set when one is missing.
const auth = configured(createWxAuth, {
  apps: {
    // 公众号/服务号: logs users in inside WeChat.
    official: { appId: process.env.WECHAT_APP_ID, appSecret: process.env.WECHAT_APP_SECRET },
    // 网站应用 (optional): QR code login in desktop browsers.
    website: process.env.WECHAT_WEBSITE_APP_ID
      ? {
          appId: process.env.WECHAT_WEBSITE_APP_ID,
          appSecret: process.env.WECHAT_WEBSITE_APP_SECRET,
        }
      : undefined,
  },
  // WeChat redirects back to BASE_URL/auth/wechat/callback.
  baseUrl: process.env.BASE_URL ?? `http://localhost:${port}`,
  // 32+ random characters that seal the session cookie.
  secrets: process.env.WXAUTH_SECRET?.split(','), // newest first, to rotate
  // Unset in production (the real WeChat); the emulator's URL in development.
  apiBaseUrl: process.env.WECHAT_API_BASE_URL,
  openBaseUrl: process.env.WECHAT_OPEN_BASE_URL,
})

const app = new Hono()

// Serves /auth/wechat/login, /callback, /logout and /session, and sets c.var.wechat elsewhere.
app.use(wxauth(auth))

app.get('/', (c) => c.html(homePage(c.var.wechat)))

listening(serve({ fetch: app.fetch, port }), auth.baseUrl)

// Nicknames are user input: escape everything WeChat sends before putting it in HTML.
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function homePage(session) {
  const profile = session?.identity.profile
  const body = session
    ? `${profile?.avatarUrl ? `<img src="${escapeHtml(profile.avatarUrl)}" alt="" width="64" height="64">` : ''}
<h1>${escapeHtml(profile?.nickname ?? 'WeChat user')}</h1>
<p>openid <code>${escapeHtml(session.identity.openid)}</code></p>
<p>unionid <code>${escapeHtml(session.identity.unionid ?? '-')}</code></p>
<form method="post" action="/auth/wechat/logout"><button>退出登录 / Sign out</button></form>`
    : '<a href="/auth/wechat/login">微信登录 / Sign in with WeChat</a>'
  return `<!doctype html>
<html lang="zh-CN">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wxauth example</title>
<style>
body{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;text-align:center}
a,button{display:inline-block;padding:.75rem 1.5rem;border:0;border-radius:.5rem;background:#07c160;color:#fff;font:inherit;text-decoration:none;cursor:pointer}
img{border-radius:.5rem}code{word-break:break-all}
</style>
${body}
</html>`
}
