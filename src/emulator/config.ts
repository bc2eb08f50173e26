/**
 * Emulator configuration: the JSON-serialisable shapes of apps, users and behaviour switches,
 * their defaults, and validation with messages that name the offending field.
 */
import { canaryPattern, withCanary } from './ids.js'

/** The kind of a WeChat app. */
export type AppKind = 'official' | 'website' | 'miniprogram' | 'component'

/** An app registered with the emulator. */
export interface AppConfig {
  appId: string
  secret: string
  kind: AppKind
  name?: string
  /**
   * Authorized callback domains: an exact host (no port allowed, as on WeChat; see
   * {@link EmulatorOptions.allowLocalPorts}), `host:port` to allow that port, `host:*` to allow any
   * port. A redirect_uri whose host (and port) no entry allows gets 10003.
   */
  domains?: string[]
  /** Allowed scopes; default by kind (official: snsapi_base, snsapi_userinfo; website: snsapi_login). */
  scopes?: string[]
  /** Id of the bound open-platform account; same user + same openPlatform → same unionid. */
  openPlatform?: string | null
  /** For an official account: component appIds it authorized (else 10015 / 40013). */
  authorizedComponents?: string[]
}

/** A WeChat user known to the emulator. */
export interface UserConfig {
  id: string
  nickname: string
  sex?: 0 | 1 | 2
  country?: string
  province?: string
  city?: string
  language?: string
  headimgurl?: string
  privilege?: string[]
  /** A snapshot (快照页) virtual user: codes carry `is_snapshotuser: 1`. */
  snapshot?: boolean
  /** jscode2session answers 40226 (high-risk user) for this user. */
  blocked?: boolean
}

/** Switches for the points where WeChat's behaviour is uncertain (reference §15). */
export interface Behaviour {
  /** What a refusal on the consent page does: redirect with `state` only, or stay on a page. */
  refusal: 'redirect' | 'none'
  /** Content-Type of JSON API answers. */
  contentType: string
  /** errmsg suffix: `, rid: …` (current), `rid: …` without comma, or legacy `, hints: [ req_id: … ]`. */
  errmsgStyle: 'rid' | 'rid-no-comma' | 'hints'
  /** sns/userinfo `sex` as a string ("1") like old fixtures. */
  sexAsString: boolean
  /** Post-2021 privacy mode: sns/userinfo `sex` 0 and empty province/city/country. */
  privacyMode: boolean
  /** Official accounts return `unionid` for snsapi_base too. */
  unionidForBase: boolean
  /** oauth2/authorize requires the documented parameter order. */
  strictParamOrder: boolean
  /** oauth2/authorize rejects a state outside `[A-Za-z0-9]`. */
  strictStateCharset: boolean
  /** oauth2/authorize outside WeChat (no MicroMessenger in User-Agent) shows "请在微信客户端打开链接". */
  requireWeChatUserAgent: boolean
  /** A snsapi_userinfo consent is remembered (silent re-authorization) for this many days. */
  rememberConsentDays: number
  /** sns/userinfo for a snapshot token: 48001, or the virtual account's profile. */
  snapshotUserinfo: '48001' | 'virtual'
  /** Code lifetime in seconds by app kind. */
  codeTtl: { official: number; website: number }
  /** User access_token lifetime in seconds. */
  accessTokenTtl: number
  /** refresh_token absolute lifetime in days. */
  refreshTokenTtlDays: number
  /** QR login session lifetime in seconds. */
  qrTtl: number
  /** jscode2session calls allowed per user per minute before 45011. */
  jscode2sessionPerMinute: number
}

/** Options of {@link createEmulator}. Everything but `clock` is JSON-serialisable. */
export interface EmulatorOptions {
  /** Apps; the default apps when absent. */
  apps?: AppConfig[]
  /** Users; the default users when absent. */
  users?: UserConfig[]
  /** Wall clock in milliseconds; `Date.now` by default. */
  clock?: () => number
  /** Absolute base URL for links (avatars, QR confirm URL); wins over the listen URL when set. */
  publicUrl?: string
  /**
   * Lets a redirect_uri on localhost, 127.0.0.1 or [::1] carry a port (`http://localhost:3000/…`)
   * when the app lists that host. Off by default: like WeChat, which answers 10003 (redirect_uri
   * 域名与后台配置不一致) to any port, the emulator then accepts a port only where an app's domain
   * says `host:port` or `host:*`. For local development; `wxauth dev` turns it on, and so does
   * `wxauth emulator --allow-local-ports`.
   */
  allowLocalPorts?: boolean
  behaviour?: BehaviourOptions
  /**
   * A marker for leak scans: 6 to 16 lowercase hex digits that the emulator writes into every
   * credential it issues (codes, js_codes, access and refresh tokens, component_access_tokens,
   * session_keys) and into the secrets of its default apps. Each keeps WeChat's shape: a code
   * starts with the canary, a token has it right after `NN_`, a session_key is still the base64
   * of 16 bytes, an AppSecret is still 32 hex digits (hex fits every one of these alphabets).
   * Search your logs, error reports and HTTP responses for the canary: any hit is a leaked
   * credential. Apps you pass in `apps` keep their own secrets (put the canary in them yourself);
   * `emulator.apps` lists the secrets in force. Off by default.
   * @example
   * ```ts
   * const emu = createEmulator({ canary: 'c0ffee5ec2e7' })
   * const { secret } = emu.apps.find((app) => app.kind === 'official')! // 'c0ffee5ec2e7…'
   * // … run the tests, then fail if 'c0ffee5ec2e7' appears in anything the app logged or sent.
   * ```
   */
  canary?: string
}

/** Behaviour overrides: any subset of {@link Behaviour}, `codeTtl` per kind too. */
export type BehaviourOptions = Partial<Omit<Behaviour, 'codeTtl'>> & {
  codeTtl?: Partial<Behaviour['codeTtl']>
}

/** The documented defaults of every {@link Behaviour} switch. */
export const defaultBehaviour: Readonly<Behaviour> = Object.freeze({
  refusal: 'redirect',
  contentType: 'application/json; encoding=utf-8',
  errmsgStyle: 'rid',
  sexAsString: false,
  privacyMode: true,
  unionidForBase: false,
  strictParamOrder: true,
  strictStateCharset: false,
  requireWeChatUserAgent: true,
  rememberConsentDays: 30,
  snapshotUserinfo: '48001',
  codeTtl: Object.freeze({ official: 300, website: 600 }),
  accessTokenTtl: 7200,
  refreshTokenTtlDays: 30,
  qrTtl: 300,
  jscode2sessionPerMinute: 100,
})

/** Default scopes by app kind. */
export const defaultScopes: Readonly<Record<AppKind, readonly string[]>> = Object.freeze({
  official: ['snsapi_base', 'snsapi_userinfo'],
  website: ['snsapi_login'],
  miniprogram: [],
  component: [],
})

/** The scopes WeChat knows. */
export const knownScopes = ['snsapi_base', 'snsapi_userinfo', 'snsapi_login'] as const

/** A configuration value failed validation; the message names the field. */
export class EmulatorConfigError extends TypeError {
  readonly code = 'ERR_INVALID_ARG_VALUE'
  /** @internal */
  constructor(message: string) {
    super(message)
    this.name = 'EmulatorConfigError'
  }
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function fail(path: string, rule: string): never {
  throw new EmulatorConfigError(`"${path}" ${rule}`)
}

function str(o: Obj, key: string, path: string, opts: { optional?: boolean; re?: RegExp } = {}) {
  const v = o[key]
  if (v === undefined && opts.optional) return undefined
  if (typeof v !== 'string' || v === '') fail(`${path}.${key}`, 'must be a non-empty string')
  if (v.length > 512) fail(`${path}.${key}`, 'must be at most 512 characters')
  if (opts.re && !opts.re.test(v)) fail(`${path}.${key}`, `must match ${opts.re}`)
  return v
}

function strList(o: Obj, key: string, path: string): string[] | undefined {
  const v = o[key]
  if (v === undefined) return undefined
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '' || s.length > 512)) {
    fail(`${path}.${key}`, 'must be an array of non-empty strings')
  }
  return [...(v as string[])]
}

function bool(o: Obj, key: string, path: string): boolean | undefined {
  const v = o[key]
  if (v !== undefined && typeof v !== 'boolean') fail(`${path}.${key}`, 'must be a boolean')
  return v as boolean | undefined
}

function checkKeys(o: Obj, allowed: readonly string[], path: string) {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`${path}.${k}`, 'is not a known field')
  }
}

const appKeys = [
  'appId',
  'secret',
  'kind',
  'name',
  'domains',
  'scopes',
  'openPlatform',
  'authorizedComponents',
] as const
const kinds: readonly AppKind[] = ['official', 'website', 'miniprogram', 'component']
const appIdRe = /^[A-Za-z0-9_-]{1,64}$/
const domainRe = /^[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?$|^\[[0-9A-Fa-f:.]+\](?::(?:\d{1,5}|\*))?$/

/** Validates one app; returns a normalised copy. */
export function parseAppConfig(value: unknown, path = 'app'): AppConfig {
  if (!isObj(value)) fail(path, 'must be an object')
  checkKeys(value, appKeys, path)
  const kind = value.kind
  if (typeof kind !== 'string' || !kinds.includes(kind as AppKind)) {
    fail(`${path}.kind`, `must be one of ${kinds.join(', ')}`)
  }
  const app: AppConfig = {
    appId: str(value, 'appId', path, { re: appIdRe }) as string,
    secret: str(value, 'secret', path) as string,
    kind: kind as AppKind,
  }
  const name = str(value, 'name', path, { optional: true })
  if (name !== undefined) app.name = name
  const domains = strList(value, 'domains', path)
  if (domains) {
    domains.forEach((d, i) => {
      if (!domainRe.test(d)) fail(`${path}.domains[${i}]`, 'must be a host, host:port or host:*')
    })
    app.domains = domains.map((d) => d.toLowerCase())
  }
  const scopes = strList(value, 'scopes', path)
  if (scopes) {
    scopes.forEach((s, i) => {
      if (!(knownScopes as readonly string[]).includes(s)) {
        fail(`${path}.scopes[${i}]`, `must be one of ${knownScopes.join(', ')}`)
      }
    })
    app.scopes = scopes
  }
  const op = value.openPlatform
  if (op !== undefined) {
    if (op !== null && (typeof op !== 'string' || op === '')) {
      fail(`${path}.openPlatform`, 'must be a non-empty string or null')
    }
    app.openPlatform = op
  }
  const components = strList(value, 'authorizedComponents', path)
  if (components) app.authorizedComponents = components
  return app
}

const userKeys = [
  'id',
  'nickname',
  'sex',
  'country',
  'province',
  'city',
  'language',
  'headimgurl',
  'privilege',
  'snapshot',
  'blocked',
] as const
const userIdRe = /^[A-Za-z0-9_.-]{1,64}$/

/** Validates one user; returns a normalised copy. */
export function parseUserConfig(value: unknown, path = 'user'): UserConfig {
  if (!isObj(value)) fail(path, 'must be an object')
  checkKeys(value, userKeys, path)
  const user: UserConfig = {
    id: str(value, 'id', path, { re: userIdRe }) as string,
    nickname: str(value, 'nickname', path) as string,
  }
  const sex = value.sex
  if (sex !== undefined) {
    if (sex !== 0 && sex !== 1 && sex !== 2) fail(`${path}.sex`, 'must be 0, 1 or 2')
    user.sex = sex
  }
  for (const key of ['country', 'province', 'city', 'language', 'headimgurl'] as const) {
    const v = value[key]
    if (v === undefined) continue
    if (typeof v !== 'string' || v.length > 512) fail(`${path}.${key}`, 'must be a string')
    user[key] = v
  }
  if (user.headimgurl && !/^https?:\/\//.test(user.headimgurl)) {
    fail(`${path}.headimgurl`, 'must be an http(s) URL')
  }
  const privilege = strList(value, 'privilege', path)
  if (privilege) user.privilege = privilege
  const snapshot = bool(value, 'snapshot', path)
  if (snapshot !== undefined) user.snapshot = snapshot
  const blocked = bool(value, 'blocked', path)
  if (blocked !== undefined) user.blocked = blocked
  return user
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0

/** Validates behaviour overrides and merges them over {@link defaultBehaviour}. */
export function parseBehaviour(value: unknown, path = 'behaviour'): Behaviour {
  if (value === undefined) return { ...defaultBehaviour, codeTtl: { ...defaultBehaviour.codeTtl } }
  if (!isObj(value)) fail(path, 'must be an object')
  checkKeys(value, Object.keys(defaultBehaviour), path)
  const b: Behaviour = { ...defaultBehaviour, codeTtl: { ...defaultBehaviour.codeTtl } }
  const oneOf = <K extends keyof Behaviour>(key: K, values: readonly Behaviour[K][]) => {
    const v = value[key]
    if (v === undefined) return
    if (!values.includes(v as Behaviour[K]))
      fail(`${path}.${key}`, `must be one of ${values.join(', ')}`)
    b[key] = v as Behaviour[K]
  }
  oneOf('refusal', ['redirect', 'none'])
  oneOf('errmsgStyle', ['rid', 'rid-no-comma', 'hints'])
  oneOf('snapshotUserinfo', ['48001', 'virtual'])
  if (value.contentType !== undefined) {
    const ct = value.contentType
    if (typeof ct !== 'string' || ct === '' || /[^\x20-\x7e]/.test(ct)) {
      fail(`${path}.contentType`, 'must be a printable ASCII string')
    }
    b.contentType = ct
  }
  for (const key of [
    'sexAsString',
    'privacyMode',
    'unionidForBase',
    'strictParamOrder',
    'strictStateCharset',
    'requireWeChatUserAgent',
  ] as const) {
    const v = bool(value, key, path)
    if (v !== undefined) b[key] = v
  }
  for (const key of [
    'rememberConsentDays',
    'accessTokenTtl',
    'refreshTokenTtlDays',
    'qrTtl',
    'jscode2sessionPerMinute',
  ] as const) {
    const v = value[key]
    if (v === undefined) continue
    if (!positive(v) && !(key === 'rememberConsentDays' && v === 0)) {
      fail(`${path}.${key}`, 'must be a positive number')
    }
    b[key] = v as number
  }
  if (value.codeTtl !== undefined) {
    const c = value.codeTtl
    if (!isObj(c)) fail(`${path}.codeTtl`, 'must be an object')
    checkKeys(c, ['official', 'website'], `${path}.codeTtl`)
    for (const key of ['official', 'website'] as const) {
      if (c[key] === undefined) continue
      if (!positive(c[key])) fail(`${path}.codeTtl.${key}`, 'must be a positive number')
      b.codeTtl[key] = c[key] as number
    }
  }
  return b
}

/** Validated, normalised options. */
export interface ResolvedOptions {
  apps: AppConfig[]
  users: UserConfig[]
  publicUrl: string | undefined
  allowLocalPorts: boolean
  behaviour: Behaviour
  /** '' when off. */
  canary: string
}

const optionKeys = new Set([
  'apps',
  'users',
  'clock',
  'publicUrl',
  'allowLocalPorts',
  'behaviour',
  'canary',
])

/**
 * Validates all options (apps and users default to {@link defaultApps} / {@link defaultUsers}; with
 * a canary, the default apps' secrets start with it).
 */
export function resolveOptions(
  options: EmulatorOptions,
  defaults: { apps: readonly AppConfig[]; users: readonly UserConfig[] },
): ResolvedOptions {
  const raw: unknown = options
  if (!isObj(raw)) fail('options', 'must be an object')
  for (const key of Object.keys(raw)) {
    if (!optionKeys.has(key)) fail(key, `is not an option (expected ${[...optionKeys].join(', ')})`)
  }
  if (!Array.isArray(options.apps ?? []) || !Array.isArray(options.users ?? [])) {
    fail('options', 'apps and users must be arrays')
  }
  const canary = options.canary ?? ''
  if (options.canary !== undefined && (typeof canary !== 'string' || !canaryPattern.test(canary))) {
    fail('canary', "must be 6 to 16 lowercase hex digits (they fit every credential's alphabet)")
  }
  const initialApps =
    options.apps ?? defaults.apps.map((app) => ({ ...app, secret: withCanary(app.secret, canary) }))
  const apps = initialApps.map((a, i) => parseAppConfig(a, `apps[${i}]`))
  const users = (options.users ?? defaults.users).map((u, i) => parseUserConfig(u, `users[${i}]`))
  const seenApps = new Set<string>()
  apps.forEach((a, i) => {
    if (seenApps.has(a.appId)) fail(`apps[${i}].appId`, `duplicates "${a.appId}"`)
    seenApps.add(a.appId)
  })
  const seenUsers = new Set<string>()
  users.forEach((u, i) => {
    if (seenUsers.has(u.id)) fail(`users[${i}].id`, `duplicates "${u.id}"`)
    seenUsers.add(u.id)
  })
  let publicUrl: string | undefined
  if (options.publicUrl !== undefined) {
    const u = typeof options.publicUrl === 'string' ? URL.parse(options.publicUrl) : null
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      fail('publicUrl', 'must be an absolute http(s) URL')
    }
    publicUrl = u.origin + u.pathname.replace(/\/+$/, '')
  }
  const allowLocalPorts = options.allowLocalPorts ?? false
  if (typeof allowLocalPorts !== 'boolean') fail('allowLocalPorts', 'must be a boolean')
  return {
    apps,
    users,
    publicUrl,
    allowLocalPorts,
    behaviour: parseBehaviour(options.behaviour),
    canary,
  }
}
