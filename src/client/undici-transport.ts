/**
 * The default transport on Node, loaded by `undiciTransport()` on first use.
 * @module
 */
import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { BodyTooLargeError, type Transport, TransportTimeoutError } from './transport.js'

const dispatcher = new Agent({
  keepAliveTimeout: 10_000,
  keepAliveMaxTimeout: 60_000,
  connections: 256,
  connect: { timeout: 3_000 },
})

/**
 * A {@link Transport} over undici's `request()` and one shared keep-alive pool: several times
 * faster than `fetch` for small JSON calls.
 * @internal
 */
export const undiciRequest: Transport = async (
  url,
  { headers, signal: callerSignal, timeout, maxBodySize },
) => {
  // Without a caller signal, the timeout is a plain timer and an EventEmitter (which undici
  // accepts as a signal): AbortSignal.timeout costs an EventTarget listener and a timer that
  // stays pending for the whole timeout after the answer came, on every call.
  const timer = new TimeoutSignal(timeout)
  const signal = callerSignal ? AbortSignal.any([callerSignal, timer.signal()]) : timer
  try {
    const response = await request(url, { method: 'GET', headers, signal, dispatcher })
    const body = await readBody(response.body, maxBodySize)
    const header = (name: string) => {
      const value = response.headers[name.toLowerCase()]
      return Array.isArray(value) ? value[0] : value
    }
    return { status: response.statusCode, header, body }
  } catch (error) {
    if (timer.aborted && !callerSignal?.aborted && !(error instanceof BodyTooLargeError)) {
      throw new TransportTimeoutError(timeout, { cause: error })
    }
    throw error
  } finally {
    timer.clear()
  }
}

/** A timer that emits `abort` when it fires, as an EventEmitter signal for undici. */
class TimeoutSignal extends EventEmitter {
  aborted = false
  readonly #timer: ReturnType<typeof setTimeout>

  constructor(ms: number) {
    super()
    this.#timer = setTimeout(() => {
      this.aborted = true
      this.emit('abort')
    }, ms)
  }

  /** The same timer as an AbortSignal, to combine with a caller's. */
  signal(): AbortSignal {
    const controller = new AbortController()
    if (this.aborted) controller.abort()
    else this.once('abort', () => controller.abort())
    return controller.signal
  }

  clear(): void {
    clearTimeout(this.#timer)
  }
}

/** The whole body as UTF-8, refused past `limit` bytes. */
function readBody(body: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        body.destroy()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    })
    body.once('end', () => {
      const [only] = chunks
      resolve(
        chunks.length === 1 && only
          ? only.toString('utf8')
          : Buffer.concat(chunks).toString('utf8'),
      )
    })
    body.once('error', reject)
  })
}
