/**
 * The doctor's offline checks: what can be told from the configuration alone, before WeChat sees
 * it. Each returns the lines to print; none touches the network.
 */
import { DEFAULT_OPEN_BASE_URL } from '../../client/authorize.js'
import { DEFAULT_API_BASE_URL } from '../../client/client.js'
import { maskSecret } from '../../emulator/mask-secret.js'
import { MIN_SECRET_LENGTH } from '../../flow/seal.js'
import { basePathOf, type DoctorConfig, type Sources, secretsOf, sourceOf } from './config.js'
import type { Check } from './report.js'

/** Which app, as `createWxAuth`'s `apps` names it. */
export type AppKind = 'official' | 'website'

/** An app with an id and a secret that the live checks can use. */
export interface AppPlan {
  kind: AppKind
  appId: string
  secret: string
}

/** How each app kind is named, configured and found in WeChat's consoles. */
export const appKinds: Record<
  AppKind,
  {
    label: string
    id: keyof DoctorConfig
    secret: keyof DoctorConfig
    console: string
    domain: string
  }
> = {
  official: {
    label: 'official account',
    id: 'wechatAppId',
    secret: 'wechatAppSecret',
    console: 'the official account (公众号) console, mp.weixin.qq.com → 设置与开发 → 基本配置',
    domain: '网页授权域名 (mp.weixin.qq.com → 设置与开发 → 账号设置 → 功能设置)',
  },
  website: {
    label: 'website app',
    id: 'wechatWebsiteAppId',
    secret: 'wechatWebsiteAppSecret',
    console: 'open.weixin.qq.com → 管理中心 → 网站应用 → 查看',
    domain: '授权回调域 (open.weixin.qq.com → 管理中心 → 网站应用 → 开发信息)',
  },
}

const APP_ID_SHAPE = /^wx[0-9a-f]{16}$/
/** What the library itself accepts (`checkAppId`); anything else makes createWxAuth throw. */
const APP_ID_LOOSE = /^[A-Za-z0-9_-]{1,64}$/
const SECRET_SHAPE = /^[0-9a-f]{32}$/
const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * An AppID as the doctor shows it: quoted when it looks like one typed wrong, masked otherwise
 * (a secret pasted into the AppID's variable must not be printed).
 */
function shownAppId(appId: string): string {
  return /wx[0-9a-f]{4}/i.test(appId) ? JSON.stringify(appId.slice(0, 40)) : maskSecret(appId)
}

/** A URL from the configuration as the doctor shows it, without a user or password. */
function shownUrl(value: string): string {
  return JSON.stringify(value.replace(/\/\/[^/@]*@/, '//****@'))
}

/** True for a loopback host name as `createWxAuth` sees it. */
function isLocalhost(hostname: string): boolean {
  return LOCALHOST.has(hostname)
}

/** The apps: ids and secrets of each, missing apps, one id used as both kinds. */
export function checkApps(
  config: DoctorConfig,
  sources: Sources,
): { checks: Check[]; apps: AppPlan[] } {
  const checks: Check[] = []
  const apps: AppPlan[] = []
  for (const kind of ['official', 'website'] as const) {
    const k = appKinds[kind]
    const appId = config[k.id]
    const secret = config[k.secret]
    const idName = sourceOf(sources, k.id)
    const secretName = sourceOf(sources, k.secret)
    if (appId === undefined && secret === undefined) continue
    let idOk = false
    if (appId === undefined) {
      checks.push({
        status: 'fail',
        title: `${k.label}: ${secretName} is set but ${idName} is not`,
        fix: `set ${idName} to the AppID from ${k.console}`,
      })
    } else if (!APP_ID_LOOSE.test(appId)) {
      checks.push({
        status: 'fail',
        title: `${k.label} AppID ${shownAppId(appId)} (${idName}) is not an AppID`,
        why: 'createWxAuth refuses it: an AppID is "wx" and 16 hex characters.',
        fix: `copy the AppID from ${k.console}`,
      })
    } else if (!APP_ID_SHAPE.test(appId)) {
      idOk = true
      checks.push({
        status: 'warn',
        title: `${k.label} AppID ${shownAppId(appId)} (${idName}) does not look like a WeChat AppID`,
        why: SECRET_SHAPE.test(appId)
          ? 'It has the shape of an AppSecret (32 hex characters): are the AppID and the AppSecret swapped?'
          : 'AppIDs are "wx" followed by 16 lowercase hex characters; WeChat answers 40013 to anything else.',
        fix: `copy the AppID from ${k.console}`,
      })
    } else {
      idOk = true
      checks.push({ status: 'ok', title: `${k.label} AppID ${appId}` })
    }
    if (secret === undefined) {
      checks.push({
        status: 'fail',
        title: `${k.label} AppSecret missing (${secretName})`,
        why: 'Without it no login code can be exchanged (WeChat answers 41004).',
        fix: `set ${secretName} to the AppSecret from ${k.console}`,
      })
    } else if (!SECRET_SHAPE.test(secret)) {
      checks.push({
        status: 'warn',
        title: `${k.label} AppSecret ${maskSecret(secret)} (${secretName}) does not look like an AppSecret`,
        why: 'AppSecrets are 32 hex characters; stray quotes, spaces or a truncated copy make WeChat answer 40125.',
        fix: `copy the AppSecret again from ${k.console} (run with --live to ask WeChat)`,
      })
    } else {
      checks.push({ status: 'ok', title: `${k.label} AppSecret ${maskSecret(secret)}` })
    }
    if (idOk && appId !== undefined && secret !== undefined) apps.push({ kind, appId, secret })
  }
  const officialId = config.wechatAppId
  if (officialId === undefined && config.wechatWebsiteAppId === undefined) {
    checks.push({
      status: 'fail',
      title: 'no WeChat app configured',
      why: 'wxauth needs an official account (login inside WeChat), a website app (QR login on desktop), or both.',
      fix: 'set WECHAT_APP_ID and WECHAT_APP_SECRET, or WECHAT_WEBSITE_APP_ID and WECHAT_WEBSITE_APP_SECRET',
    })
  } else if (officialId !== undefined && officialId === config.wechatWebsiteAppId) {
    checks.push({
      status: 'fail',
      title: `the same AppID ${officialId} is configured as the official account and the website app`,
      why: 'They are different apps: inside WeChat a website AppID gets page error 10016, and qrconnect with an official account AppID gets 10005.',
      fix: `put the official account's AppID in ${sourceOf(sources, 'wechatAppId')} and the website app's in ${sourceOf(sources, 'wechatWebsiteAppId')}`,
    })
    // Only the live probe can tell which one it really is; probe it as both.
  }
  return { checks, apps }
}

/** The callback URL WeChat redirects to: https, no port, on the authorized domain, an origin only. */
export function checkCallback(
  config: DoctorConfig,
  sources: Sources,
  emulator: boolean,
  kinds: AppKind[],
): { checks: Check[]; callbackUrl: string | undefined } {
  const checks: Check[] = []
  const baseName = sourceOf(sources, 'baseUrl')
  const pathName = sourceOf(sources, 'wxauthBasePath')
  if (config.baseUrl === undefined) {
    checks.push({
      status: 'fail',
      title: `${baseName} is not set`,
      why: 'The callback URL WeChat redirects to is BASE_URL + base path + /callback.',
      fix: `set ${baseName} to the public origin of the app, e.g. https://example.com`,
    })
    return { checks, callbackUrl: undefined }
  }
  const url = URL.parse(config.baseUrl)
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    checks.push({
      status: 'fail',
      title: `${baseName} ${shownUrl(config.baseUrl)} is not an http(s) origin`,
      fix: `set ${baseName} to the public origin of the app, e.g. https://example.com`,
    })
    return { checks, callbackUrl: undefined }
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    const extra = `${url.pathname === '/' ? '' : url.pathname}${url.search}${url.hash}`
    checks.push({
      status: 'fail',
      title: `${baseName} has more than an origin${extra ? `: ${extra}` : ' (credentials)'}`,
      why: 'createWxAuth refuses it: the callback URL is built from the origin and the base path.',
      fix: `set ${baseName}=${url.origin}${url.pathname === '/' ? '' : ` and ${pathName}=${url.pathname.replace(/\/+$/, '')}/auth/wechat`}`,
    })
    return { checks, callbackUrl: undefined }
  }
  const basePath = basePathOf(config)
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    checks.push({
      status: 'fail',
      title: `${pathName} ${JSON.stringify(basePath)} is not a path`,
      fix: `set ${pathName} to a path such as /auth/wechat (leading slash, no trailing slash)`,
    })
    return { checks, callbackUrl: undefined }
  }
  const callbackUrl = `${url.origin}${basePath}/callback`
  const local = isLocalhost(url.hostname)
  const localhostFix = `use the emulator in development (WECHAT_API_BASE_URL and WECHAT_OPEN_BASE_URL), or set ${baseName} to your public https origin, without a port`
  const withoutPort = `${url.protocol}//${url.hostname}`
  checks.push({ status: 'ok', title: `callback URL ${callbackUrl}` })

  if (url.protocol === 'https:') {
    checks.push({ status: 'ok', title: 'https' })
  } else if (local && emulator) {
    checks.push({ status: 'ok', title: 'http on localhost: fine with the emulator' })
  } else if (local) {
    checks.push({
      status: 'warn',
      title: 'http://localhost callback with WeChat itself',
      why: 'WeChat redirects only to the authorized domain of the app, never to localhost; WeChat recommends https.',
      fix: localhostFix,
    })
  } else {
    checks.push({
      status: 'fail',
      title: `http callback on ${url.hostname}`,
      why: 'WeChat recommends https (the code travels in the URL), and wxauth sets Secure cookies, which browsers drop over http: every login would fail the state check.',
      fix: `serve the app over https and set ${baseName}=https://${url.hostname}`,
    })
  }

  if (url.port === '') {
    checks.push({ status: 'ok', title: 'no port' })
  } else if (emulator) {
    // Whether the emulator accepts the port is its app's setting: only --live can tell.
    const title = `port ${url.port}: the emulator accepts it if its app allows ports on ${url.hostname} (--live checks); WeChat never does (10003)`
    checks.push(
      local
        ? { status: 'ok', title }
        : {
            status: 'warn',
            title,
            fix: `list "${url.host}" (or "${url.hostname}:*") in the app's "domains" in the emulator's --config`,
          },
    )
  } else {
    checks.push({
      status: 'fail',
      title: `the callback URL has a port (${url.port})`,
      why: `WeChat rejects a redirect_uri with a port: page error 10003 (redirect_uri域名与后台配置不一致)${local ? ', and it never redirects to localhost anyway' : ''}.`,
      // On localhost no port and https make it work either: the emulator does.
      fix: local
        ? localhostFix
        : `serve the app on the default port (a reverse proxy on 443) and set ${baseName}=${withoutPort.replace(/^http:/, 'https:')}`,
    })
  }

  const domainName = sourceOf(sources, 'wxauthAuthorizedDomain')
  const consoles = kinds.map((k) => appKinds[k].domain).join(' and ') || appKinds.official.domain
  if (config.wxauthAuthorizedDomain === undefined) {
    checks.push({
      status: 'skip',
      title: `authorized domain not given (${domainName}): callback host not compared`,
    })
  } else {
    checks.push(...checkDomain(config.wxauthAuthorizedDomain, url, domainName, baseName, consoles))
  }
  return { checks, callbackUrl }
}

function checkDomain(
  raw: string,
  url: URL,
  domainName: string,
  baseName: string,
  consoles: string,
): Check[] {
  const checks: Check[] = []
  const text = raw.trim().toLowerCase()
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(text)
  const parsed = URL.parse(hasScheme ? text : `https://${text}`)
  if (!parsed?.hostname) {
    return [
      {
        status: 'fail',
        title: `authorized domain ${JSON.stringify(raw)} (${domainName}) is not a domain`,
        fix: `set ${domainName} to the domain entered in ${consoles}, e.g. example.com`,
      },
    ]
  }
  const hasPath = parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== ''
  if (hasScheme || hasPath || parsed.port) {
    checks.push({
      status: parsed.port ? 'fail' : 'warn',
      title: `authorized domain ${JSON.stringify(raw)} (${domainName}) is more than a domain`,
      why: `WeChat's console takes the domain alone: no scheme, ${parsed.port ? 'no port (WeChat allows none), ' : ''}no path.`,
      fix: `enter ${parsed.hostname} in ${consoles}, and set ${domainName}=${parsed.hostname}`,
    })
  }
  const domain = parsed.hostname
  const host = url.hostname.toLowerCase()
  if (host === domain) {
    checks.push({ status: 'ok', title: `callback host ${host} is the authorized domain` })
  } else if (host.endsWith(`.${domain}`) || domain.endsWith(`.${host}`)) {
    checks.push({
      status: 'fail',
      title: `callback host ${host} is not the authorized domain ${domain}`,
      why: 'WeChat compares the full host (subdomains do not match): page error 10003.',
      fix: `enter ${host} in ${consoles}, or set ${baseName}=https://${domain}`,
    })
  } else {
    checks.push({
      status: 'fail',
      title: `callback host ${host} is not the authorized domain ${domain}`,
      why: 'WeChat redirects only to the authorized domain: page error 10003.',
      fix: `enter ${host} in ${consoles}, or set ${baseName} to an origin on ${domain}`,
    })
  }
  return checks
}

/** The API and page base URLs: valid, and both WeChat or both the emulator. */
export function checkBaseUrls(
  config: DoctorConfig,
  sources: Sources,
): {
  checks: Check[]
  apiBaseUrl: string | undefined
  openBaseUrl: string | undefined
  emulator: boolean
} {
  const checks: Check[] = []
  const read = (key: 'wechatApiBaseUrl' | 'wechatOpenBaseUrl', fallback: string) => {
    const value = config[key] ?? fallback
    const url = URL.parse(value)
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      checks.push({
        status: 'fail',
        title: `${sourceOf(sources, key)} ${shownUrl(value)} is not an http(s) URL`,
        fix: `unset it for WeChat (${fallback}) or set it to the emulator's URL, e.g. http://127.0.0.1:8900`,
      })
      return undefined
    }
    return { url: value.replace(/\/+$/, ''), wechat: url.hostname.endsWith('.weixin.qq.com') }
  }
  const api = read('wechatApiBaseUrl', DEFAULT_API_BASE_URL)
  const open = read('wechatOpenBaseUrl', DEFAULT_OPEN_BASE_URL)
  const emulator = Boolean((api && !api.wechat) || (open && !open.wechat))
  if (api && open) {
    if (api.wechat && open.wechat) {
      checks.push({ status: 'ok', title: `WeChat: ${api.url} and ${open.url}` })
    } else if (!api.wechat && !open.wechat) {
      checks.push({
        status: 'ok',
        title: `emulator: API ${api.url}, pages ${open.url} (not WeChat; development only)`,
      })
    } else {
      const [odd, other] = api.wechat
        ? ([sourceOf(sources, 'wechatOpenBaseUrl'), sourceOf(sources, 'wechatApiBaseUrl')] as const)
        : ([sourceOf(sources, 'wechatApiBaseUrl'), sourceOf(sources, 'wechatOpenBaseUrl')] as const)
      checks.push({
        status: 'fail',
        title: `${odd} points away from WeChat but ${other} does not`,
        why: 'Codes issued by one are unknown to the other: every exchange would answer 40029.',
        fix: `point both at the emulator, or unset both for WeChat`,
      })
    }
  }
  return { checks, apiBaseUrl: api?.url, openBaseUrl: open?.url, emulator }
}

const PLACEHOLDER =
  /change|replace|example|placeholder|your|secret|passw|xxxx|todo|dummy|default|sample|12345|abcdef|qwerty|insert|fixme/i

/** The sealing secrets: present, 32+ characters, not a placeholder, not an AppSecret. */
export function checkSealingSecrets(
  config: DoctorConfig,
  sources: Sources,
  emulator: boolean,
): Check[] {
  const name = sourceOf(sources, 'wxauthSecret')
  const generate = `generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`
  const secrets = secretsOf(config)
  if (secrets.length === 0) {
    return [
      {
        status: 'fail',
        title: `no sealing secret (${name})`,
        why: 'Sessions and login transactions cannot be sealed: createWxAuth refuses to start.',
        fix: `set ${name} to 32 or more random characters; ${generate}`,
      },
    ]
  }
  const checks: Check[] = []
  const appSecrets = new Set([config.wechatAppSecret, config.wechatWebsiteAppSecret])
  let problems = 0
  secrets.forEach((secret, i) => {
    const which =
      secrets.length > 1
        ? `sealing secret #${i + 1} ${maskSecret(secret)}`
        : `sealing secret ${maskSecret(secret)}`
    if (secret.length < MIN_SECRET_LENGTH) {
      problems++
      checks.push({
        status: 'fail',
        title: `${which} is shorter than ${MIN_SECRET_LENGTH} characters`,
        why: 'Sessions cannot be sealed with it: createWxAuth refuses to start.',
        fix: `replace it in ${name} with 32 or more random characters; ${generate}`,
      })
    } else if (appSecrets.has(secret)) {
      problems++
      checks.push({
        status: 'fail',
        title: `${which} is an AppSecret`,
        why: 'One leaked value would then open both WeChat and every session.',
        fix: `use a separate random value in ${name}; ${generate}`,
      })
    } else if (PLACEHOLDER.test(secret) || new Set(secret).size < 10) {
      problems++
      checks.push({
        status: emulator ? 'warn' : 'fail',
        title: `${which} looks like a placeholder`,
        why: 'Anyone who guesses it can forge sessions.',
        fix: `replace it in ${name} with random characters; ${generate}`,
      })
    }
  })
  if (new Set(secrets).size < secrets.length) {
    checks.push({
      status: 'warn',
      title: `${name} lists the same secret twice`,
      fix: 'keep the newest first and each older one once, until its cookies have expired',
    })
  } else if (problems === 0) {
    const masked = secrets.map(maskSecret).join(', ')
    checks.push({
      status: 'ok',
      title:
        secrets.length === 1
          ? `sealing secret ${masked}`
          : `${secrets.length} sealing secrets (${masked}); the first seals, all unseal`,
    })
  }
  return checks
}
