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

/** Lengths of the credentials the emulator issues: a code (32), a token (`NN_` and 107). */
const credentialLengths = [32, 110]

/**
 * `text` with every credential that `isIssued` recognises replaced by {@link REDACTED}, wherever it
 * is: under a parameter name that is not a secret one, glued to a name without `=`, in the path.
 * Credentials are runs of `[A-Za-z0-9_-]`, so each run is searched for windows of their lengths.
 */
function redactIssued(text: string, isIssued: (candidate: string) => boolean): string {
  return text.replace(/[A-Za-z0-9_-]{32,}/g, (run) => {
    const hidden = new Array<boolean>(run.length).fill(false)
    for (const length of credentialLengths) {
      for (let i = 0; i + length <= run.length; i++) {
        if (isIssued(run.slice(i, i + length))) hidden.fill(true, i, i + length)
      }
    }
    if (!hidden.includes(true)) return run
    let out = ''
    for (let i = 0; i < run.length; i++) {
      if (!hidden[i]) out += run[i]
      else if (i === 0 || !hidden[i - 1]) out += REDACTED
    }
    return out
  })
}

/**
 * Path and query of `url` for the log, with the client's redaction rules: the value of every
 * secret parameter ({@link SECRET_PARAMS}, matched on the decoded name in any case, so `SECRET=` and
 * `%73ecret=` count too) and every occurrence of a known secret (`secrets`, e.g. the app secrets)
 * become {@link REDACTED}; so does every code and token the emulator issued (`isIssued`) wherever
 * it appears, e.g. sent under another parameter's name.
 */
export function redactTarget(
  url: URL,
  secrets: readonly string[] = [],
  isIssued: (candidate: string) => boolean = () => false,
): string {
  return redactIssued(redactParams(url, secrets), isIssued)
}

function redactParams(url: URL, secrets: readonly string[]): string {
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
