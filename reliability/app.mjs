// One application process of the load-and-chaos run: wxauth on node:http with the Redis store,
// configured as a production app would be (revocable sessions, short WeChat timeouts, the client
// settings redisStore documents for failing fast), plus what the run needs from an app:
//
// - onLogin upserts the app's user atomically in Redis (DATA-01: HSETNX, then read the winner) under
//   `app:users`, so that the invariant scan can tell whether a subject ever got two users;
// - GET /app/token: the session's user's WeChat access token through auth.getAccessToken (refreshed
//   when expired, one refresh at a time across both processes); answers { ok } or { error }, never
//   the token;
// - GET /app/stats: what this process saw (flow events, Redis client errors, handler crashes).
//
// Environment: EMULATOR_URL, REDIS_PORT, SITE_ORIGIN (the public origin both processes serve),
// APP_NAME. Its clock follows the run's schedule (./clock.mjs). Listens on a
// free port of 127.0.0.1; exits when the parent goes away.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { Redis } from 'ioredis'
import { createWxAuth, NoTokensError, ReauthorizeError, StoreError, WeChatError } from 'wxauth'
import { defaultOfficialAccount as app } from 'wxauth/emulator'
import { getSession, wxauthHandler } from 'wxauth/node'
import { redisStore } from 'wxauth/redis'
import { acceptShifts, shiftedClock } from './clock.mjs'
import { SECRET, USERS_KEY, WECHAT } from './config.mjs'
import { listenOnLoopback } from './ports.mjs'

const name = process.env.APP_NAME ?? 'app'
const emulatorUrl = /** @type {string} */ (process.env.EMULATOR_URL)
const clock = shiftedClock()
acceptShifts(clock)

const stats = { name, events: {}, redisErrors: 0, redisReady: [], crashes: 0, crashSamples: [] }
const count = (key) => {
  stats.events[key] = (stats.events[key] ?? 0) + 1
}

// The settings redisStore's documentation gives for failing fast while Redis is down.
const client = new Redis({
  host: '127.0.0.1',
  port: Number(process.env.REDIS_PORT),
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  retryStrategy: (attempt) => Math.min(attempt * 50, 500),
  lazyConnect: true,
})
client.on('error', () => {
  stats.redisErrors++
})
// When the client (re)connected, wall ms: after a Redis restart, when this process could use it again.
client.on('ready', () => {
  stats.redisReady.push(Date.now())
})
await client.connect()

const auth = createWxAuth({
  apps: { official: { appId: app.appId, appSecret: app.secret } },
  baseUrl: /** @type {string} */ (process.env.SITE_ORIGIN),
  secrets: [SECRET],
  store: redisStore({ client }),
  session: { revocable: true },
  wechat: WECHAT,
  apiBaseUrl: emulatorUrl,
  openBaseUrl: emulatorUrl,
  now: clock.now,
  async onLogin(identity) {
    // DATA-01: insert if absent, then read back whoever won; never check-then-insert. Redis being
    // down is "try again later" for the user (retryable), not a refused login.
    try {
      await client.hsetnx(USERS_KEY, identity.subject, randomUUID())
      const id = await client.hget(USERS_KEY, identity.subject)
      if (id === null) throw new Error('the user record vanished between insert and read')
      return { id }
    } catch (error) {
      throw Object.assign(new Error('the user store is unavailable', { cause: error }), {
        retryable: true,
      })
    }
  },
  log: (event) => count(event.code ? `${event.type}:${event.code}` : event.type),
})

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** GET /app/token: a fresh access token for the session's user, as an app's API route would get it. */
async function token(req, res) {
  try {
    const session = await getSession(auth, req)
    if (!session) return json(res, 401, { error: 'unauthenticated' })
    await auth.getAccessToken(session.identity.subject)
    json(res, 200, { ok: true })
  } catch (error) {
    if (error instanceof StoreError) return json(res, 503, { error: 'store_unavailable' })
    if (error instanceof ReauthorizeError) return json(res, 401, { error: 'reauthorize' })
    if (error instanceof NoTokensError) return json(res, 401, { error: 'no_tokens' })
    if (error instanceof WeChatError) return json(res, 502, { error: 'wechat_unavailable' })
    throw error
  }
}

const handle = wxauthHandler(auth)
const server = createServer(async (req, res) => {
  try {
    if (await handle(req, res)) return
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/app/token') return await token(req, res)
    if (path === '/app/stats') return json(res, 200, stats)
    res.writeHead(404).end()
  } catch (error) {
    // A crash of the library (or of this app) on a request: the browser gets a 500 without a page.
    stats.crashes++
    if (stats.crashSamples.length < 5) stats.crashSamples.push(String(error?.stack ?? error))
    if (!res.headersSent) res.writeHead(500)
    res.end()
  }
})
// Keep-alive connections of the browsers' pool stay open between logins.
server.keepAliveTimeout = 30_000
const port = await listenOnLoopback(server)
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: `http://127.0.0.1:${port}`, name })
