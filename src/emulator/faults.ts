/** Scripted faults: what the next N calls of an endpoint get instead of (or on top of) the real answer. */
import { EmulatorConfigError } from './config.js'
import type { EndpointName } from './endpoints.js'
import type { Reply } from './reply.js'

/**
 * A fault for one call. `errcode`/`errmsg`/`page` replace the answer (the request is not
 * processed: a code stays unused). `status`, `truncate`, `nonJson`, `contentType`, `headers` and
 * `drop` act on the real answer after the request was processed (a code is consumed), like a proxy
 * or a network losing WeChat's reply. `delay` waits first, then the rest applies.
 */
export interface Fault {
  /** Answer `{errcode, errmsg}` (errmsg from WeChat's table plus rid unless given). */
  errcode?: number
  errmsg?: string
  /** HTTP status of the answer. */
  status?: number
  /** Milliseconds to wait before answering. */
  delay?: number
  /** Drop the connection: in-process fetch rejects with TypeError('fetch failed'), a socket is destroyed. */
  drop?: boolean
  /** Cut the body in half. */
  truncate?: boolean
  /** Answer a proxy's HTML error page instead (status 502 unless given). */
  nonJson?: boolean
  /** Override the Content-Type, e.g. `text/plain`. */
  contentType?: string
  /** For connect/oauth2/authorize and connect/qrconnect: show this page error code, e.g. 10009. */
  page?: number
  /** Extra response headers, e.g. `{ "Retry-After": "1" }`. */
  headers?: Record<string, string>
}

const faultKeys = [
  'errcode',
  'errmsg',
  'status',
  'delay',
  'drop',
  'truncate',
  'nonJson',
  'contentType',
  'page',
  'headers',
] as const

/** Validates a fault; the message names the offending field. */
export function parseFault(value: unknown, path = 'fault'): Fault {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulatorConfigError(`"${path}" must be an object`)
  }
  const o = value as Record<string, unknown>
  const bad = (key: string, rule: string): never => {
    throw new EmulatorConfigError(`"${path}.${key}" ${rule}`)
  }
  const f: Fault = {}
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined) continue
    switch (key) {
      case 'errcode':
      case 'page':
        if (!Number.isInteger(v)) bad(key, 'must be an integer')
        f[key] = v as number
        break
      case 'status':
        if (!Number.isInteger(v) || (v as number) < 200 || (v as number) > 599) {
          bad(key, 'must be an HTTP status 200-599')
        }
        f.status = v as number
        break
      case 'delay':
        if (typeof v !== 'number' || !(v >= 0) || v > 600_000) bad(key, 'must be 0-600000 ms')
        f.delay = v as number
        break
      case 'drop':
      case 'truncate':
      case 'nonJson':
        if (typeof v !== 'boolean') bad(key, 'must be a boolean')
        f[key] = v as boolean
        break
      case 'errmsg':
        if (typeof v !== 'string' || v.length > 1000) bad(key, 'must be a string')
        f.errmsg = v as string
        break
      case 'contentType':
        if (typeof v !== 'string' || v === '' || /[^\x20-\x7e]/.test(v)) {
          bad(key, 'must be printable ASCII')
        }
        f.contentType = v as string
        break
      case 'headers': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(key, 'must be an object')
        const h: Record<string, string> = {}
        for (const [name, hv] of Object.entries(v as object)) {
          if (
            !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ||
            typeof hv !== 'string' ||
            /[^\x20-\x7e]/.test(hv)
          ) {
            bad(`${key}.${name}`, 'must be a valid header name and printable ASCII value')
          }
          h[name] = hv as string
        }
        f.headers = h
        break
      }
      default:
        bad(key, `is not a fault field (one of ${faultKeys.join(', ')})`)
    }
  }
  return f
}

/** Whether the fault replaces the answer rather than acting on it. */
export function replacesAnswer(f: Fault): boolean {
  return f.errcode !== undefined || f.errmsg !== undefined || f.page !== undefined
}

/** A front proxy's error page (as nginx writes it). */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${statusText[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

const statusText: Record<number, string> = {
  414: 'Request-URI Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
}

/** Applies the fault's mangling to a real answer. */
export function mangle(reply: Reply, f: Fault): Reply {
  let { status, headers, body } = reply
  headers = [...headers]
  const setHeader = (name: string, value: string) => {
    headers = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase())
    headers.push([name, value])
  }
  if (f.nonJson) {
    status = f.status ?? 502
    body = proxyErrorPage(status)
    headers = [['Content-Type', 'text/html']]
  } else if (f.status !== undefined) {
    status = f.status
  }
  if (f.truncate) body = body.slice(0, Math.floor(body.length / 2))
  if (f.contentType !== undefined) setHeader('Content-Type', f.contentType)
  for (const [name, value] of Object.entries(f.headers ?? {})) setHeader(name, value)
  const out: Reply = { status, headers, body }
  if (reply.errcode !== undefined && !f.nonJson) out.errcode = reply.errcode
  return out
}

interface Queued {
  endpoint: EndpointName
  fault: Fault
  remaining: number
}

/** Most faults queued at once (each with its own `times`); more is a script gone wrong. */
export const maxQueuedFaults = 10_000

/** Faults queued per endpoint, used first in first out. */
export class FaultQueue {
  #queue: Queued[] = []

  /** @throws {@link EmulatorConfigError} on a bad `times`, or with {@link maxQueuedFaults} queued. */
  add(endpoint: EndpointName, fault: Fault, times: number): void {
    if (!Number.isInteger(times) || times < 1 || times > 1_000_000) {
      throw new EmulatorConfigError('"times" must be an integer 1-1000000')
    }
    if (this.#queue.length >= maxQueuedFaults) {
      throw new EmulatorConfigError(
        `too many queued faults (${maxQueuedFaults} max): use "times", or reset the emulator`,
      )
    }
    this.#queue.push({ endpoint, fault, remaining: times })
  }

  /** The fault for this call of `endpoint`, if any. */
  take(endpoint: EndpointName): Fault | undefined {
    const i = this.#queue.findIndex((q) => q.endpoint === endpoint)
    const q = this.#queue[i]
    if (!q) return undefined
    if (--q.remaining === 0) this.#queue.splice(i, 1)
    return q.fault
  }

  /** Faults not yet used. */
  list(): { endpoint: EndpointName; fault: Fault; remaining: number }[] {
    return this.#queue.map((q) => ({ ...q }))
  }

  clear(): void {
    this.#queue = []
  }
}

/** Waits `ms`, rejecting with `signal.reason` if the signal aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
