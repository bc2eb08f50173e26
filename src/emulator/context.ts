/** What every route handler gets: the model, the clock, and the request at hand. */
import type { AutoApproval } from './auto-approve.js'
import type { EmulatorClock } from './clock.js'
import type { Behaviour } from './config.js'
import type { World } from './model/world.js'
import type { RequestLogEntry } from './request-log.js'

/** Emulator-wide services handlers use. */
export interface Env {
  world: World
  clock: EmulatorClock
  behaviour: Behaviour
  /** A redirect_uri on a loopback host may carry a port (`EmulatorOptions.allowLocalPorts`). */
  allowLocalPorts: boolean
  /** Absolute base URL for links (no trailing slash). */
  baseUrl(): string
  /** The auto-approve script for this request, counted (one-shot unless `times` or `keep`). */
  takeAutoApproval(): AutoApproval | undefined
  /** The emulator's own fetch (used by the demo callback to exchange its code in-process). */
  fetch(input: string, init?: RequestInit): Promise<Response>
  /** Recent requests for the home page. */
  recentRequests(): readonly RequestLogEntry[]
}

/** One request being handled. */
export interface Ctx {
  env: Env
  request: Request
  url: URL
  now: number
  cookies: ReadonlyMap<string, string>
}

/** Names of the emulator's own cookies. */
export const cookieNames = {
  /** Which user this browser "is" in WeChat. */
  user: 'wxemu_user',
  /** Lets this browser open oauth2/authorize without a WeChat User-Agent (local development). */
  continueAnyway: 'wxemu_continue',
} as const

/** Parses a Cookie header; malformed pairs are skipped. */
export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>()
  if (!header || header.length > 8192) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const name = part.slice(0, eq).trim()
    let value = part.slice(eq + 1).trim()
    try {
      value = decodeURIComponent(value)
    } catch {}
    if (name && !out.has(name)) out.set(name, value)
  }
  return out
}

/** A Set-Cookie header for one of the emulator's cookies. */
export function setCookie(
  name: string,
  value: string,
  maxAgeSeconds = 30 * 86_400,
): [string, string] {
  return [
    'Set-Cookie',
    `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax`,
  ]
}
