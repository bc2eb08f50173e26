import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One canned response, sent byte for byte. */
export interface Canned {
  status?: number
  headers?: Record<string, string>
  body: string
  /** Destroy the socket after writing this many bytes of the body (no more data). */
  cutAfter?: number
  /** Wait this long before answering. */
  delay?: number
  /** Send the body one byte every this many ms (a trickling upstream). */
  drip?: number
}

/** A request the replay server received. */
export interface Received {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
}

/**
 * A real HTTP server on 127.0.0.1 that answers each request with the next canned response, for
 * replaying bodies observed from WeChat over a real socket.
 */
export async function replayServer(queue: Canned[]) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay')
    received.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    })
    const canned = queue.shift()
    if (!canned) {
      res.writeHead(599).end()
      return
    }
    const send = () => {
      const body = Buffer.from(canned.body, 'utf8')
      res.writeHead(canned.status ?? 200, {
        'content-type': 'application/json; encoding=utf-8',
        'content-length': String(body.length),
        ...canned.headers,
      })
      if (canned.cutAfter !== undefined) {
        res.write(body.subarray(0, canned.cutAfter))
        setTimeout(() => res.socket?.destroy(), 10)
        return
      }
      if (canned.drip !== undefined) {
        let at = 0
        const timer = setInterval(() => {
          if (res.destroyed || at >= body.length) {
            clearInterval(timer)
            res.end()
            return
          }
          res.write(body.subarray(at, ++at))
        }, canned.drip)
        return
      }
      res.end(body)
    }
    if (canned.delay) setTimeout(send, canned.delay)
    else send()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    queue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
