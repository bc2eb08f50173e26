/**
 * The doctor against the wxauth emulator: telling it from WeChat (it answers its control API,
 * `GET /__emulator/state`, which WeChat has not), and the fixes that apply there instead of
 * WeChat's consoles: the emulator's apps, its secrets, its `--config`.
 */
import type { AppKind } from './checks.js'

/** One of the emulator's apps as its state lists it (the secret masked by the emulator). */
export interface EmulatorApp {
  appId: string
  kind: string
  secret: string
  domains: string[]
}

/** What the emulator said about itself. */
export interface EmulatorInfo {
  apps: EmulatorApp[]
  /** Whether it lets a callback on localhost carry a port (`--allow-local-ports`). */
  allowLocalPorts: boolean
}

/** The command that starts the emulator and prints its apps. */
export const START_EMULATOR = 'npx wxauth emulator'

const isApp = (value: unknown): value is EmulatorApp => {
  const app = value as Partial<EmulatorApp> | null
  return typeof app?.appId === 'string' && typeof app.kind === 'string'
}

/** Asks `baseUrl` whether it is the emulator; `undefined` when it does not answer as one. */
export async function probeEmulator(baseUrl: string): Promise<EmulatorInfo | undefined> {
  try {
    const response = await fetch(`${baseUrl}/__emulator/state`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(2000),
    })
    if (response.status !== 200) return undefined
    const state = (await response.json()) as { apps?: unknown; allowLocalPorts?: unknown }
    if (!Array.isArray(state.apps) || !state.apps.every(isApp)) return undefined
    const apps = state.apps.map((app) => ({
      appId: app.appId,
      kind: app.kind,
      secret: typeof app.secret === 'string' ? app.secret : '',
      domains: Array.isArray(app.domains) ? app.domains.map(String) : [],
    }))
    return { apps, allowLocalPorts: state.allowLocalPorts === true }
  } catch {
    return undefined
  }
}

const kindWords: Record<AppKind, string> = {
  official: 'official account',
  website: 'website app',
}

/** The emulator's apps of `kind`, as a list of AppIDs for a message. */
function idsOf(info: EmulatorInfo, kind: AppKind): string {
  const ids = info.apps.filter((app) => app.kind === kind).map((app) => app.appId)
  return ids.length > 0 ? ids.join(', ') : '(none)'
}

/** The fix for an AppID the emulator does not know (40013, or a page that cannot open). */
export function unknownAppFix(info: EmulatorInfo, kind: AppKind, variable: string): string {
  return `set ${variable} to the emulator's ${kindWords[kind]} AppID (${idsOf(info, kind)}; ${START_EMULATOR} lists its apps), or add your app to the emulator's --config`
}

/** The fix for a secret the emulator refuses (40125). */
export function wrongSecretFix(info: EmulatorInfo, appId: string, variable: string): string {
  const app = info.apps.find((a) => a.appId === appId)
  const masked = app?.secret ? ` (the emulator's ends in ${app.secret.slice(-4)})` : ''
  return `set ${variable} to the emulator's secret for ${appId}${masked}: ${START_EMULATOR} prints the built-in apps' secrets, and examples/emulator.env holds them`
}

const LOCAL = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** The fix for page error 10003 on the emulator: its local-ports switch, or the app's `domains`. */
export function callbackDomainFix(info: EmulatorInfo, appId: string, callbackUrl: string): string {
  const url = URL.parse(callbackUrl)
  const host = url?.host ?? callbackUrl
  const domains = info.apps.find((a) => a.appId === appId)?.domains ?? []
  const allowed = domains.length > 0 ? domains.join(', ') : 'no host'
  const entry = url?.port ? `"${host}" (or "${url.hostname}:*")` : `"${host}"`
  if (
    url?.port &&
    !info.allowLocalPorts &&
    LOCAL.test(url.hostname) &&
    domains.includes(url.hostname)
  ) {
    return `the emulator refuses a port in the callback, as WeChat does: start it with ${START_EMULATOR} --allow-local-ports (wxauth dev does), or add ${entry} to the app's "domains" in its --config`
  }
  return `the emulator's app ${appId} allows callbacks on ${allowed}: add ${entry} to its "domains" in the emulator's --config, or set BASE_URL to an origin it allows`
}

/** The fix for an app of the wrong kind on the emulator (10005, 10016). */
export function wrongKindFix(info: EmulatorInfo, kind: AppKind, variable: string): string {
  return `set ${variable} to the emulator's ${kindWords[kind]} AppID (${idsOf(info, kind)})`
}

/** The fix when nothing answers at a local API base: the emulator is not running there. */
export function notRunningFix(baseUrl: string): string {
  const port = URL.parse(baseUrl)?.port
  return `start the emulator (${START_EMULATOR}${port && port !== '8900' ? ` --port ${port}` : ''}), or point WECHAT_API_BASE_URL and WECHAT_OPEN_BASE_URL at where it listens`
}
