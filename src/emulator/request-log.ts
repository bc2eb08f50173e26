/** The request log: the last N requests, with every secret, code and token redacted. */
import { SECRET_PARAMS } from '../client/endpoints.js'
import { REDACTED, redactText } from '../client/redact.js'
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
  /** When chaos mode chose the fault: its kind (`custom:N` for a fault of your own). */
  chaos?: string
}

const secretParams: ReadonlySet<string> = new Set(SECRET_PARAMS)

/**
 * Path and query of `url` for the log, with the client's redaction rules: the value of every
 * secret parameter ({@link SECRET_PARAMS}, matched on the decoded name in any case, so `SECRET=` and
 * `%73ecret=` count too) and every occurrence of a known secret (`secrets`, e.g. the app secrets)
 * become {@link REDACTED}.
 */
export function redactTarget(url: URL, secrets: readonly string[] = []): string {
  if (url.search === '') return redactText(url.pathname, secrets)
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
      return secretParams.has(name.toLowerCase()) ? `${rawName}=${REDACTED}` : pair
    })
  return redactText(`${url.pathname}?${parts.join('&')}`, secrets)
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
