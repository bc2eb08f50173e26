/** The node:http server: Node requests in, the fetch handler, Node responses out. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Where the server listens. */
export interface ListenOptions {
  /** Default 8900; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
}

/** The address the server listens on. */
export interface ListenInfo {
  url: string
  port: number
  host: string
}

const maxBody = 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) {
        req.destroy()
        reject(new Error('body too large'))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The URL the handler sees (it routes by its path). */
function requestUrl(req: IncomingMessage): string {
  // A malformed Host must not move the path (`Host: x/__emulator/reset?`).
  const host = normalHost(req.headers.host) ?? 'localhost'
  const target = req.url ?? '/'
  // Absolute-form targets (proxy style) are taken as they are; the handler routes by path anyway.
  const url = /^https?:\/\//i.test(target)
    ? target
    : `http://${host}${target.startsWith('/') ? '' : '/'}${target}`
  return URL.canParse(url) ? url : 'http://localhost/'
}

function toRequest(
  req: IncomingMessage,
  url: string,
  body: Buffer | undefined,
  signal: AbortSignal,
): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const method = req.method ?? 'GET'
  const init: RequestInit = { method, headers, signal }
  if (body && method !== 'GET' && method !== 'HEAD') init.body = new Uint8Array(body)
  return new Request(url, init)
}

/** A Host header value (`name[:port]`, IPv6 in brackets), normalized; undefined when malformed. */
function normalHost(value: string | undefined): string | undefined {
  if (value === undefined || !/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.test(value)) {
    return undefined
  }
  return URL.parse(`http://${value}`)?.host
}

/**
 * The Host headers that name this emulator: the listen host, localhost, 127.0.0.1 and [::1] on the
 * listen port, and the host of `publicUrl`.
 */
function trustedHosts(
  listenHost: string,
  port: number,
  publicUrl: string | undefined,
): Set<string> {
  const names = [listenHost.includes(':') ? `[${listenHost}]` : listenHost]
  names.push('localhost', '127.0.0.1', '[::1]')
  const hosts = names.map((name) => normalHost(`${name}:${port}`))
  const pub = publicUrl === undefined ? undefined : URL.parse(publicUrl)
  if (pub) {
    const port = pub.port || (pub.protocol === 'https:' ? '443' : '80')
    hosts.push(normalHost(pub.host), normalHost(`${pub.hostname}:${port}`))
  }
  return new Set(hosts.filter((h) => h !== undefined))
}

/** Paths only a browser on this emulator's own origin may use (the control API and its pages). */
function isControlPath(url: string): boolean {
  return new URL(url).pathname.startsWith('/__emulator')
}

const forbiddenBody = JSON.stringify({
  error:
    'forbidden: the Host header does not name this emulator (DNS rebinding protection). ' +
    'Open it at its listen URL, or set publicUrl to the URL you use.',
})

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  if (body) headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * Serves `handle` over node:http. `Response.error()` (a drop fault) destroys the socket. Paths
 * under `/__emulator/` answer 403 unless the Host header names this emulator.
 */
export class HttpServer {
  #server: Server | undefined
  readonly #handle: (request: Request) => Promise<Response>
  readonly #publicUrl: string | undefined
  #trusted = new Set<string>()

  /**
   * @param publicUrl - where browsers reach the emulator, if not at its listen URL; its host may use
   * the control API like the listen host.
   */
  constructor(handle: (request: Request) => Promise<Response>, publicUrl?: string) {
    this.#handle = handle
    this.#publicUrl = publicUrl
  }

  get listening(): boolean {
    return this.#server !== undefined
  }

  async listen(options: ListenOptions = {}): Promise<ListenInfo> {
    if (this.#server) throw new Error('the emulator is already listening')
    const port = options.port ?? 8900
    const host = options.host ?? '127.0.0.1'
    const server = createServer((req, res) => {
      void this.#serve(req, res)
    })
    server.keepAliveTimeout = 5000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    const address = server.address() as AddressInfo
    this.#trusted = trustedHosts(host, address.port, this.#publicUrl)
    const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
    const urlHost = shown.includes(':') ? `[${shown}]` : shown
    return { url: `http://${urlHost}:${address.port}`, port: address.port, host }
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const aborter = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort(new Error('client closed the connection'))
    })
    try {
      const url = requestUrl(req)
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example`.
      if (isControlPath(url) && !this.#trusted.has(normalHost(req.headers.host) ?? '')) {
        res.writeHead(403, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'close',
        })
        res.end(forbiddenBody)
        return
      }
      const body = await readBody(req)
      const response = await this.#handle(toRequest(req, url, body, aborter.signal))
      if (response.type === 'error') {
        req.socket.destroy()
        return
      }
      await writeResponse(res, response)
    } catch {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(aborter.signal.aborted ? 499 : 400, { 'content-type': 'text/plain' })
        res.end('bad request')
      } else {
        res.destroy()
      }
    }
  }

  /** Stops listening and closes idle keep-alive sockets (busy ones shortly after). */
  async close(): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), 1000)
      force.unref()
      server.close(() => {
        clearTimeout(force)
        resolve()
      })
      server.closeIdleConnections()
    })
  }
}
