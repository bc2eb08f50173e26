/**
 * A `fetch`-compatible function. The client uses it instead of its default transport when given,
 * e.g. the emulator's in-process handler, an edge runtime's `fetch`, or a proxying fetch.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** A complete HTTP response, body decoded as UTF-8 whatever the declared charset. @internal */
export interface HttpResponse {
  status: number
  header(name: string): string | undefined
  body: string
}

/** @internal */
export interface TransportRequest {
  headers: Readonly<Record<string, string>>
  /** The caller's signal, if any. */
  signal: AbortSignal | undefined
  /** Budget for the whole exchange, body included, in ms; past it the transport throws a {@link TransportTimeoutError}. */
  timeout: number
  maxBodySize: number
}

/** Sends one GET and reads the whole response. Never follows redirects. @internal */
export type Transport = (url: string, request: TransportRequest) => Promise<HttpResponse>

/** Thrown by a transport when a body exceeds `maxBodySize`. @internal */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** Thrown by a transport when the request's `timeout` ran out first. @internal */
export class TransportTimeoutError extends Error {
  constructor(
    readonly timeout: number,
    options?: ErrorOptions,
  ) {
    super(`no complete response within ${timeout} ms`, options)
    this.name = 'TransportTimeoutError'
  }
}

/** A transport over any `fetch`. @internal */
export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (url, { headers, signal: callerSignal, timeout, maxBodySize }) => {
    const timeoutSignal = AbortSignal.timeout(timeout)
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal
    try {
      const response = await fetchFn(url, { method: 'GET', headers, redirect: 'manual', signal })
      const body = response.body ? await readWebStream(response.body, maxBodySize) : ''
      // Browsers report a manual redirect as an opaque response with status 0.
      const status = response.type === 'opaqueredirect' ? 302 : response.status
      return { status, header: (name) => response.headers.get(name) ?? undefined, body }
    } catch (error) {
      if (
        timeoutSignal.aborted &&
        !callerSignal?.aborted &&
        !(error instanceof BodyTooLargeError)
      ) {
        throw new TransportTimeoutError(timeout, { cause: error })
      }
      throw error
    }
  }
}

async function readWebStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder('utf-8')
  let size = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new BodyTooLargeError(limit)
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}
