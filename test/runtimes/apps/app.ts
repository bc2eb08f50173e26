/**
 * The app each non-Node runtime serves (Bun, Deno, workerd, edge-runtime): Hono with wxauth's
 * middleware, configured from the variables examples/README.md documents, as a user writes it.
 * `/` answers which runtime served it and whose session the request carries. No `fetch` option:
 * off Node.js, wxauth's default transport is the runtime's own fetch (its export conditions).
 */
import { Hono } from 'hono'
import { createWxAuth } from 'wxauth'
import { wxauth } from 'wxauth/hono'

/** The app's configuration: the environment, or a Worker's bindings. */
export type AppEnv = Partial<Record<string, string>>

export function createApp(runtime: string, env: AppEnv): Hono {
  const auth = createWxAuth({
    apps: { official: { appId: env.WECHAT_APP_ID ?? '', appSecret: env.WECHAT_APP_SECRET ?? '' } },
    baseUrl: env.BASE_URL ?? '',
    secrets: [env.WXAUTH_SECRET ?? ''],
    apiBaseUrl: env.WECHAT_API_BASE_URL,
    openBaseUrl: env.WECHAT_OPEN_BASE_URL,
  })
  const app = new Hono()
  app.use(wxauth(auth))
  app.get('/', (c) => c.json({ runtime, openid: c.var.wechat?.identity.openid ?? null }))
  return app
}
