// wxauth as the benchmark runs it: the emulator's official account, the default memory store.
import { createWxAuth } from 'wxauth'
import { app, emulatorUrl, secret } from './common.mjs'

export const routes = { loginPath: '/auth/wechat/login', sessionPath: '/auth/wechat/session' }

/** createWxAuth for a server listening on `origin`, pointed at the emulator. */
export function benchAuth(origin) {
  return createWxAuth({
    apps: { official: { appId: app.appId, appSecret: app.secret } },
    baseUrl: origin,
    secrets: [secret],
    apiBaseUrl: emulatorUrl,
    openBaseUrl: emulatorUrl,
    // Sized for the benchmark's load (thousands of starts a second), as the README says to size it.
    logins: { maxPending: 10_000_000 },
  })
}
