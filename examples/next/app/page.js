import { cookies } from 'next/headers'
import { getWeChatSession } from 'wxauth/next'
import { getAuth } from '../lib/auth.js'

const style = `body{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;text-align:center}
a,button{display:inline-block;padding:.75rem 1.5rem;border:0;border-radius:.5rem;background:#07c160;color:#fff;font:inherit;text-decoration:none;cursor:pointer}
img{border-radius:.5rem}code{word-break:break-all}`

// A server component, rendered per request: it reads the session from the request's cookies.
export default async function Home() {
  const cookieStore = await cookies()
  const session = await getWeChatSession(getAuth, cookieStore)
  const profile = session?.identity.profile
  return (
    <main>
      <style>{style}</style>
      {session ? (
        <>
          {/* biome-ignore lint/performance/noImgElement: a small remote avatar; next/image would need its host configured */}
          {profile?.avatarUrl && <img src={profile.avatarUrl} alt="" width="64" height="64" />}
          <h1>{profile?.nickname ?? 'WeChat user'}</h1>
          <p>
            openid <code>{session.identity.openid}</code>
          </p>
          <p>
            unionid <code>{session.identity.unionid ?? '-'}</code>
          </p>
          {/* A plain form POST: wxauth checks the Origin header, so no CSRF token is needed. */}
          <form method="post" action="/auth/wechat/logout">
            <button type="submit">退出登录 / Sign out</button>
          </form>
        </>
      ) : (
        <>
          {/* A plain link, not <Link>: the login leaves the app for WeChat. */}
          <a href="/auth/wechat/login">微信登录 / Sign in with WeChat</a>
          {/* Behind the middleware: it sends the browser to the login, which comes back there. */}
          <p>
            <a href="/account">我的账户 / Account</a>
          </p>
        </>
      )}
    </main>
  )
}
