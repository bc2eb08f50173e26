// The login flow, shared by the middleware, the route handlers and the pages. wxauth/next calls
// getAuth on the first request that needs it, not at import: `next build` imports every route
// without the runtime environment, and createWxAuth rejects a configuration with missing values.
import { createWxAuth } from 'wxauth'

export function getAuth() {
  const missing = ['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WXAUTH_SECRET'].filter(
    (name) => !process.env[name],
  )
  if (missing.length > 0) {
    // Next.js reads the variables from .env.local in the app's folder.
    throw new Error(
      `Missing configuration: set ${missing.join(', ')} in examples/next/.env.local (against the emulator: cp examples/emulator.env examples/next/.env.local)`,
    )
  }
  return createWxAuth({
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
    baseUrl: process.env.BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`,
    // 32+ random characters that seal the session cookie.
    secrets: process.env.WXAUTH_SECRET?.split(','), // newest first, to rotate
    // Unset in production (the real WeChat); the emulator's URL in development.
    apiBaseUrl: process.env.WECHAT_API_BASE_URL,
    openBaseUrl: process.env.WECHAT_OPEN_BASE_URL,
  })
}
