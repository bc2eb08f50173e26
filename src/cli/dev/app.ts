/**
 * The example application `wxauth dev` runs: the login flow on node:http with `wxauth/node`,
 * wired to the emulator, and a home page.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getSession, toWebRequest, wxauthHandler } from '../../adapters/node/index.js'
import type { AppConfig } from '../../emulator/index.js'
import { createWxAuth } from '../../flow/index.js'
import { pageLang } from '../../flow/pages/negotiate.js'
import type { FlowEvent, WxAuth } from '../../flow/types.js'
import { renderHome } from './page.js'

/** What the dev app needs to know. */
export interface DevAppOptions {
  port: number
  host: string
  /** The emulator's URL: WeChat's API and authorize pages. */
  emulatorUrl: string
  official: AppConfig
  website: AppConfig
  log?: (event: FlowEvent) => void
  /** Unexpected failures (a bug, not a failed login: the flow answers those itself). */
  onError?: (error: unknown) => void
}

/** A running dev app. */
export interface DevApp {
  url: string
  port: number
  close(): Promise<void>
}

/** The host to put in URLs for a listen address: a wildcard is reached on loopback. */
export function urlHost(host: string): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return shown.includes(':') ? `[${shown}]` : shown
}

/** Starts the dev app; rejects with the listen error (e.g. `EADDRINUSE`). */
export async function startDevApp(options: DevAppOptions): Promise<DevApp> {
  // The callback URL is pinned to baseUrl, which needs the real port: listen first, then wire.
  let serve: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
    res.writeHead(503).end()
  }
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      options.onError?.(error)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('Internal Server Error')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${urlHost(options.host)}:${port}`

  const auth = createWxAuth({
    apps: {
      official: { appId: options.official.appId, appSecret: options.official.secret },
      website: { appId: options.website.appId, appSecret: options.website.secret },
    },
    baseUrl: url,
    // Plain http for development: a LAN address (--host) must not get Secure cookies it cannot keep.
    cookies: { secure: false },
    // A fresh key each start: sessions last as long as the process, like the memory store.
    secrets: randomBytes(32).toString('base64url'),
    apiBaseUrl: options.emulatorUrl,
    openBaseUrl: options.emulatorUrl,
    ...(options.log ? { log: options.log } : {}),
  })
  const handle = wxauthHandler(auth)
  serve = async (req, res) => {
    if (await handle(req, res)) return
    await home(auth, req, res)
  }

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        // A browser may hold a busy keep-alive connection; do not wait for it.
        setTimeout(() => server.closeAllConnections(), 1000).unref()
      }),
  }
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  // Not `no-referrer`: under it browsers send `Origin: null` with the logout form, which the
  // flow refuses as cross-site.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}

async function home(auth: WxAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (path !== '/') {
    res.writeHead(404, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' })
    res.end('Not Found')
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...securityHeaders, allow: 'GET, HEAD' })
    res.end()
    return
  }
  const session = await getSession(auth, req)
  const lang = pageLang(toWebRequest(req))
  const { body, csp } = renderHome(session, lang, auth.basePath)
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    vary: 'Accept-Language, Cookie',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}
