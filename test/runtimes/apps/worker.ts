/** wxauth on Cloudflare's workerd: a module Worker, configured by its bindings (worker.capnp). */
import type { Hono } from 'hono'
import { type AppEnv, createApp } from '#app'

let app: Hono | undefined

export default {
  fetch(request: Request, env: AppEnv): Response | Promise<Response> {
    app ??= createApp(`workerd (${navigator.userAgent})`, env)
    return app.fetch(request, env)
  },
}
