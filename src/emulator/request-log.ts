/** The request log: the last N requests, with every secret, code and token redacted. */
import type { EndpointName } from './endpoints.js'
import type { Fault } from './faults.js'

/** One logged request. */
export interface RequestLogEntry {
  id: number
  /** Emulator time in milliseconds. */
  time: number
  method: string
  /** Path and query, secrets, codes and tokens replaced by `[REDACTED]`. */
  url: string
  endpoint?: EndpointName
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number
  /** errcode of a WeChat JSON error answer. */
  errcode?: number
  /** The fault injected into this call. */
  fault?: Fault
}

/** Replacement for redacted values. */
export const redacted = '[REDACTED]'

const sensitive = /secret|token|ticket|session_key|password|^(?:js_)?code$/i

/** Whether a parameter name carries a credential. */
export function isSensitive(name: string): boolean {
  return sensitive.test(name)
}

/** Path and query of `url` with sensitive parameter values redacted. */
export function redactTarget(url: URL): string {
  if (url.search === '') return url.pathname
  const parts = url.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const rawName = eq === -1 ? pair : pair.slice(0, eq)
      let name = rawName
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '))
      } catch {}
      return isSensitive(name) ? `${rawName}=${redacted}` : pair
    })
  return `${url.pathname}?${parts.join('&')}`
}

/** A bounded log of requests, newest last. */
export class RequestLog {
  #entries: RequestLogEntry[] = []
  #nextId = 1
  readonly #max: number

  constructor(max = 500) {
    this.#max = max
  }

  add(entry: Omit<RequestLogEntry, 'id'>): RequestLogEntry {
    const full = { id: this.#nextId++, ...entry }
    this.#entries.push(full)
    if (this.#entries.length > this.#max) this.#entries.splice(0, this.#entries.length - this.#max)
    return full
  }

  list(): readonly RequestLogEntry[] {
    return Object.freeze(this.#entries.map((e) => Object.freeze({ ...e })))
  }

  clear(): void {
    this.#entries = []
  }
}
