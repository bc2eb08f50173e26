/** The registered apps and the rules that hang off an app: scopes, callback domains, unionid. */
import { type AppConfig, defaultScopes } from '../config.js'
import { unionidFor } from '../ids.js'

/** Registered apps by appId. */
export class Apps {
  readonly #apps = new Map<string, AppConfig>()

  constructor(initial: readonly AppConfig[]) {
    this.reset(initial)
  }

  get(appId: string): AppConfig | undefined {
    return this.#apps.get(appId)
  }

  /** Adds an app, replacing one with the same appId. */
  put(app: AppConfig): void {
    this.#apps.set(app.appId, app)
  }

  /** How many are registered. */
  get size(): number {
    return this.#apps.size
  }

  list(): AppConfig[] {
    return [...this.#apps.values()]
  }

  reset(initial: readonly AppConfig[]): void {
    this.#apps.clear()
    for (const app of initial) this.#apps.set(app.appId, app)
  }
}

/** The scopes an app may request. */
export function scopesOf(app: AppConfig): readonly string[] {
  return app.scopes ?? defaultScopes[app.kind]
}

/** Display name of an app. */
export function nameOf(app: AppConfig): string {
  return app.name ?? app.appId
}

/** localhost, 127.0.0.0/8 or [::1], as `URL.hostname` spells them. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

/**
 * Whether `uri` is on one of the app's authorized callback domains. WeChat compares the host
 * exactly (no subdomains) and rejects any port; `host:port` / `host:*` entries relax the port, and
 * so does `localPorts` for a loopback host.
 */
export function allowsRedirect(app: AppConfig, uri: URL, localPorts = false): boolean {
  if (uri.protocol !== 'http:' && uri.protocol !== 'https:') return false
  const host = uri.hostname.toLowerCase()
  return (app.domains ?? []).some((entry) => {
    const m = /^(.*?)(?::(\d+|\*))?$/.exec(entry)
    if (!m || m[1] !== host) return false
    const port = m[2]
    if (port === undefined) return uri.port === '' || (localPorts && isLoopbackHost(host))
    return port === '*' || port === uri.port
  })
}

/** The user's unionid for this app, if the app is bound to an open platform. */
export function unionidOf(app: AppConfig, userId: string, snapshot = false): string | undefined {
  return app.openPlatform ? unionidFor(app.openPlatform, userId, snapshot) : undefined
}
