/**
 * An emulator standing in for WeChat over a real socket: WeChat's API and pages, without the
 * emulator's own `/__emulator/` paths (which WeChat has not), so that a client or the doctor
 * cannot tell it from WeChat by asking.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Emulator } from './emulator.js'

async function bodyOf(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return chunks.length > 0 ? Buffer.concat(chunks) : undefined
}

/** Serves `emulator.fetch` on 127.0.0.1 (a free port); resolves with its URL and a close. */
export async function wechatStandIn(
  emulator: Emulator,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/'
    if (path.startsWith('/__emulator')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      return
    }
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value)
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await bodyOf(req)
    const response = await emulator.fetch(`http://wechat.test${path}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
    })
    const out: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      out[name] = value
    })
    res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
