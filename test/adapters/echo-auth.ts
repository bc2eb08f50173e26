/**
 * A small, real WxAuth for adapter tests: it echoes what it received, so that a test can see
 * exactly what an adapter handed to the core, and answers like the core does (redirects, HTML,
 * several cookies, streams). No protocol: the adapters must not need any.
 */

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Session, WxAuth } from '../../src/flow/types.js'

export const basePath = '/auth/wechat'

/** Exactly what the login route redirects to: a fragment and encoded query that must survive. */
export const authorizeLocation =
  'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fauth%2Fwechat%2Fcallback&response_type=code&scope=snsapi_userinfo&state=Ab12Cd34#wechat_redirect'

export const html =
  '<!doctype html><html lang="zh-CN"><title>登录失败</title><p>请重新登录 &amp; retry</p></html>'

export const streamChunks = ['第一块,', 'second,', 'third']

export const session: Session = {
  identity: {
    subject: 'wx520c15f417810387:o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
    appId: 'wx520c15f417810387',
    openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
    scope: 'snsapi_userinfo',
  },
  user: { id: 42 },
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_604_800_000,
}

/** What `/echo` answers: the Request the core was given, as JSON. */
export interface Echo {
  method: string
  url: string
  query: Array<[string, string]>
  headers: Array<[string, string]>
  body: string | null
}

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

export interface EchoAuth extends WxAuth {
  /** Every Request `handle` received. */
  readonly seen: Request[]
  /** Requests to `/slow` wait for this; resolve it with `release()`. */
  release(): void
  /** Resolves when `/slow` has started, and when it has finished (signal state at the end). */
  slowStarted: Promise<void>
  slowFinished: Promise<{ aborted: boolean }>
}

export function echoAuth(): EchoAuth {
  const seen: Request[] = []
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let started!: () => void
  const slowStarted = new Promise<void>((resolve) => {
    started = resolve
  })
  let finished!: (value: { aborted: boolean }) => void
  const slowFinished = new Promise<{ aborted: boolean }>((resolve) => {
    finished = resolve
  })

  return {
    baseUrl: 'http://localhost',
    basePath,
    seen,
    release,
    slowStarted,
    slowFinished,
    async handle(request) {
      const url = new URL(request.url)
      if (!url.pathname.startsWith(`${basePath}/`)) return undefined
      seen.push(request)
      const route = url.pathname.slice(basePath.length + 1)
      switch (route) {
        case 'echo': {
          const echo: Echo = {
            method: request.method,
            url: request.url,
            query: [...url.searchParams],
            headers: [...request.headers],
            body: request.body === null ? null : await request.text(),
          }
          const headers = new Headers({ 'content-type': 'application/json; charset=utf-8' })
          headers.append('set-cookie', 'wxauth.a=1; Path=/; HttpOnly; SameSite=Lax')
          headers.append('set-cookie', 'wxauth.b=two, with a comma; Path=/auth; Max-Age=60')
          headers.append('x-repeated', 'one')
          headers.append('x-repeated', 'two')
          return new Response(JSON.stringify(echo), { status: 200, headers })
        }
        case 'login': {
          const headers = new Headers({ location: authorizeLocation, 'cache-control': 'no-store' })
          headers.append(
            'set-cookie',
            'wxauth.tx=Ab12Cd34; Path=/auth/wechat; HttpOnly; Max-Age=600',
          )
          headers.append('set-cookie', 'wxauth.rt=%2Fme; Path=/auth/wechat; HttpOnly; Max-Age=600')
          return new Response(null, { status: 303, headers })
        }
        case 'logout': {
          if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405 })
          const headers = new Headers({ location: '/' })
          headers.append('set-cookie', 'wxauth.session=; Path=/; Max-Age=0')
          return new Response(null, { status: 303, headers })
        }
        case 'error-page':
          return new Response(html, {
            status: 400,
            headers: { 'content-type': 'text/html; charset=utf-8' },
          })
        case 'stream': {
          const encoder = new TextEncoder()
          const chunks = [...streamChunks]
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              const chunk = chunks.shift()
              if (chunk === undefined) return controller.close()
              await new Promise((resolve) => setTimeout(resolve, 5))
              controller.enqueue(encoder.encode(chunk))
            },
          })
          return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } })
        }
        case 'slow': {
          started()
          await gate
          // Work the core does after the browser may have gone: it must still run.
          await new Promise((resolve) => setTimeout(resolve, 10))
          finished({ aborted: request.signal.aborted })
          return new Response('done')
        }
        default:
          return undefined
      }
    },
    async getSession(request) {
      return cookie(request, 'wxauth.session') === 'zhangsan' ? session : null
    },
    async getAccessToken() {
      throw new Error('not used by adapters')
    },
  }
}

/** Listens on an ephemeral port; resolves the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}
