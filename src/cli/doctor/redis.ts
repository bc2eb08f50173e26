/** A Redis PING over a plain socket (no client library): enough to tell "reachable" from not. */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

/** What the PING found. */
export type PingResult =
  | { ok: true; ms: number }
  | { ok: false; reason: 'timeout' | 'network' | 'auth' | 'reply'; code?: string; reply?: string }

/** A Redis URL shown without its password: `redis://:****@host:6379/0`. */
export function redactRedisUrl(url: URL): string {
  const copy = new URL(url.href)
  if (copy.password) copy.password = '****'
  return copy.href
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Encodes one command in RESP. */
function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
}

/**
 * Connects to `url` (redis: or rediss:), authenticates when the URL carries a password, selects
 * nothing and sends PING; resolves within `timeout` ms, never rejects.
 */
export function pingRedis(url: URL, timeout = 1000): Promise<PingResult> {
  const started = performance.now()
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = Number(url.port || 6379)
  const user = decode(url.username)
  const password = decode(url.password)
  return new Promise((resolve) => {
    let settled = false
    let socket: Socket
    const finish = (result: PingResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }), timeout)
    const onConnect = () => {
      const auth = password
        ? user
          ? command('AUTH', user, password)
          : command('AUTH', password)
        : ''
      socket.write(`${auth}${command('PING')}`)
    }
    socket =
      url.protocol === 'rediss:'
        ? tlsConnect({ host, port, servername: host }, onConnect)
        : netConnect({ host, port }, onConnect)
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      // Replies are single lines here: +OK for AUTH, +PONG for PING, or -ERR….
      for (;;) {
        const end = buffer.indexOf('\r\n')
        if (end < 0) break
        const reply = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (reply === '+PONG')
          return finish({ ok: true, ms: Math.round(performance.now() - started) })
        if (reply === '+OK') continue
        const auth = /^-(NOAUTH|WRONGPASS)|invalid password|AUTH/i.test(reply)
        return finish({ ok: false, reason: auth ? 'auth' : 'reply', reply: reply.slice(0, 200) })
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, reason: 'network', ...(error.code ? { code: error.code } : {}) })
    })
    socket.on('close', () => finish({ ok: false, reason: 'network', code: 'ECONNRESET' }))
  })
}
