import { cookies } from 'next/headers'
import { getWeChatSession } from 'wxauth/next'
import { getAuth } from '../../lib/auth.js'

// Behind the middleware: a signed-out browser is sent to the login before this renders.
export default async function Account() {
  const session = await getWeChatSession(getAuth, cookies())
  // Never only the middleware: the page checks too.
  if (!session)
    return <a href="/auth/wechat/login?returnTo=/account">微信登录 / Sign in with WeChat</a>
  return (
    <main>
      <h1>我的账户 / Account</h1>
      <p>
        openid <code>{session.identity.openid}</code>
      </p>
      <p>
        signed in <time>{new Date(session.createdAt).toISOString()}</time>
      </p>
    </main>
  )
}
