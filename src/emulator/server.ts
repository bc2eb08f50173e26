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

function toRequest(req: IncomingMessage, body: Buffer | undefined, signal: AbortSignal): Request {
  const host = req.headers.host ?? 'localhost'
  const target = req.url ?? '/'
  // Absolute-form targets (proxy style) are taken as they are; the handler routes by path anyway.
  const url = /^https?:\/\//i.test(target)
    ? target
    : `http://${host}${target.startsWith('/') ? '' : '/'}${target}`
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const method = req.method ?? 'GET'
  const init: RequestInit = { method, headers, signal }
  if (body && method !== 'GET' && method !== 'HEAD') init.body = new Uint8Array(body)
  return new Request(URL.canParse(url) ? url : `http://localhost/`, init)
}

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

/** Serves `handle` over node:http. `Response.error()` (a drop fault) destroys the socket. */
export class HttpServer {
  #server: Server | undefined
  readonly #handle: (request: Request) => Promise<Response>

  constructor(handle: (request: Request) => Promise<Response>) {
    this.#handle = handle
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
      const body = await readBody(req)
      const response = await this.#handle(toRequest(req, body, aborter.signal))
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
