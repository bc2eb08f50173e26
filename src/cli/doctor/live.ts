/**
 * The doctor's network checks: a token call that WeChat must refuse for the right reason, the
 * authorize page as WeChat shows it, the clock, and the Redis store.
 */
import { buildAuthorizeUrl, buildQrConnectUrl } from '../../client/authorize.js'
import { createClient } from '../../client/client.js'
import { describeErrcode } from '../../client/errcodes.js'
import {
  WeChatApiError,
  WeChatResponseError,
  WeChatTimeoutError,
  WeChatTransportError,
} from '../../client/errors.js'
import { type AppKind, type AppPlan, appKinds } from './checks.js'
import {
  callbackDomainFix,
  type EmulatorInfo,
  notRunningFix,
  unknownAppFix,
  wrongKindFix,
  wrongSecretFix,
} from './emulator.js'
import { pingRedis, redactRedisUrl } from './redis.js'
import type { Check } from './report.js'

const TIMEOUT = 5000
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN'
const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

/** The `Date` headers seen, to compare clocks. */
export interface ClockSample {
  /** Local time halfway through the request, ms. */
  local: number
  /** The server's `Date`, ms. */
  remote: number
}

/** What the token probe learnt: the check, and whether the API was reachable at all. */
export interface TokenProbe {
  check: Check
  reachable: boolean
}

/** What to do when `baseUrl` cannot be reached: on loopback it is the emulator, not running. */
function networkFix(baseUrl: string): string {
  const host = URL.parse(baseUrl)?.hostname ?? ''
  if (host === 'localhost' || host === '[::1]' || host.startsWith('127.')) {
    return notRunningFix(baseUrl)
  }
  return `check DNS, the firewall and any proxy between this machine and ${hostOf(baseUrl)}; wxauth connects directly (pass a proxying \`fetch\` to createWxAuth if you need a proxy)`
}

/**
 * Exchanges a deliberately invalid code. 40029 proves the AppID and AppSecret right; 40125 (or
 * 40001) a wrong secret; 40013 a wrong AppID; a transport error a network problem. With
 * `emulator` (the API base answered as the emulator), the fixes are the emulator's.
 */
export async function probeToken(
  app: AppPlan,
  apiBaseUrl: string,
  clock: ClockSample[],
  emulator?: EmulatorInfo,
): Promise<TokenProbe> {
  const k = appKinds[app.kind]
  const host = hostOf(apiBaseUrl)
  const timedFetch = async (input: string, init: RequestInit): Promise<Response> => {
    const started = Date.now()
    const response = await fetch(input, init)
    const date = response.headers.get('date')
    const remote = date ? Date.parse(date) : Number.NaN
    if (!Number.isNaN(remote)) clock.push({ local: (started + Date.now()) / 2, remote })
    return response
  }
  const client = createClient({
    appId: app.appId,
    appSecret: app.secret,
    apiBaseUrl,
    fetch: timedFetch,
    timeout: TIMEOUT,
    retry: false,
  })
  const label = `${k.label} ${app.appId}`
  try {
    await client.exchangeCode(`wxauthdoctor${Date.now().toString(36)}invalidcode`)
    return {
      reachable: true,
      check: {
        status: 'warn',
        title: `${label}: ${host} accepted a made-up code`,
        why: 'WeChat answers 40029 to an invalid code; this API base does not behave like WeChat.',
        fix: 'check WECHAT_API_BASE_URL',
      },
    }
  } catch (error) {
    const check = tokenCheck(error, app, label, apiBaseUrl, emulator)
    return { reachable: !isNetwork(error), check }
  }
}

function isNetwork(error: unknown): boolean {
  return error instanceof WeChatTransportError || error instanceof WeChatTimeoutError
}

function tokenCheck(
  error: unknown,
  app: AppPlan,
  label: string,
  apiBaseUrl: string,
  emulator: EmulatorInfo | undefined,
): Check {
  const { kind } = app
  const k = appKinds[kind]
  const host = hostOf(apiBaseUrl)
  const who = emulator ? 'the emulator' : 'WeChat'
  if (error instanceof WeChatApiError) {
    const said = `${error.errcode} ${describeErrcode(error.errcode).en.toLowerCase()}`
    switch (error.errcode) {
      case 40029:
      case 40163:
      case 42003:
        return { status: 'ok', title: `${label}: AppID and AppSecret accepted by ${host}` }
      case 40125:
      case 40001:
        return {
          status: 'fail',
          title: `${label}: wrong AppSecret (${who} answered ${said})`,
          why: 'Every login would fail at the code exchange.',
          fix: emulator
            ? wrongSecretFix(emulator, app.appId, envName(kind, 'secret'))
            : `copy the AppSecret again from ${k.console} into ${envName(kind, 'secret')}; after a reset only the new one works`,
        }
      case 40013:
        return {
          status: 'fail',
          title: `${label}: ${who} does not know this AppID (${said})`,
          why: emulator
            ? 'The emulator has no app with this AppID: its apps are its built-in demo apps, or those of its --config.'
            : kind === 'official'
              ? 'It is mistyped, or not an official account or website app (a mini program AppID does not log in on the web).'
              : 'It is mistyped, or not a website app or official account.',
          fix: emulator
            ? unknownAppFix(emulator, kind, envName(kind, 'id'))
            : `copy the AppID from ${k.console} into ${envName(kind, 'id')}`,
        }
      case 40164: {
        const ip = /invalid ip ([0-9a-f.:]+)/i.exec(error.errmsg)?.[1]
        return {
          status: 'fail',
          title: `${label}: this server's IP${ip ? ` ${ip}` : ''} is not in the app's IP whitelist (40164)`,
          fix: emulator
            ? 'the emulator answers 40164 only when scripted to (POST /__emulator/fail): restart it, or clear the fault'
            : `add it to the IP白名单 in ${k.console}`,
        }
      }
      case -1:
        return {
          status: 'warn',
          title: `${label}: ${who} is busy (-1 system error); the credentials were not checked`,
          fix: 'run wxauth doctor --live again in a minute',
        }
      default:
        return {
          status: 'warn',
          title: `${label}: unexpected answer ${said}`,
          fix: emulator
            ? `see what the emulator was asked and answered: ${apiBaseUrl}/__emulator/requests`
            : 'look the code up in the WeChat documentation',
        }
    }
  }
  if (error instanceof WeChatTimeoutError) {
    return {
      status: 'fail',
      title: `network: no answer from ${host} within ${TIMEOUT / 1000} s; ${label} not tested`,
      why: 'A firewall dropping the connection, or a proxy that is required but not used.',
      fix: networkFix(apiBaseUrl),
    }
  }
  if (error instanceof WeChatTransportError) {
    const code = errorCode(error)
    return {
      status: 'fail',
      title: `network: cannot reach ${host}${code ? ` (${code})` : ''}; ${label} not tested`,
      why: networkWhy(code, host, error),
      fix: networkFix(apiBaseUrl),
    }
  }
  if (error instanceof WeChatResponseError) {
    return {
      status: 'fail',
      title: `${label}: ${host} did not answer like WeChat (HTTP ${error.status}, ${error.code === 'WECHAT_PARSE_ERROR' ? 'not JSON' : 'unexpected body'})`,
      why: 'A proxy or captive portal in between, or WECHAT_API_BASE_URL points at the wrong server.',
      fix: 'unset WECHAT_API_BASE_URL for WeChat, or point it at the emulator',
    }
  }
  return {
    status: 'fail',
    title: `${label}: the test call failed: ${(error as Error).message}`,
  }
}

function envName(kind: AppKind, what: 'id' | 'secret'): string {
  if (kind === 'official') return what === 'id' ? 'WECHAT_APP_ID' : 'WECHAT_APP_SECRET'
  return what === 'id' ? 'WECHAT_WEBSITE_APP_ID' : 'WECHAT_WEBSITE_APP_SECRET'
}

function networkWhy(code: string | undefined, host: string, error?: unknown): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS cannot resolve ${host.replace(/:\d+$/, '')}.`
    case 'ECONNREFUSED':
      return `Nothing accepts connections at ${host}.`
    case 'ECONNRESET':
    case 'EPIPE':
      return 'The connection was cut: a firewall or proxy in between.'
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'The connection timed out: a firewall dropping packets, or no route.'
    default: {
      if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
        return 'TLS failed: a proxy intercepting HTTPS, or a wrong system clock.'
      }
      const detail = rootMessage(error)
      return `The request failed before any answer arrived${detail ? ` (${detail})` : ''}.`
    }
  }
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && !code.startsWith('WECHAT_')) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** The innermost message of an error chain ("bad port", "getaddrinfo ENOTFOUND …"). */
function rootMessage(error: unknown): string | undefined {
  let message: string | undefined
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error && current.message) message = current.message
    current = (current as { cause?: unknown }).cause
  }
  return message
}

function hostOf(url: string): string {
  return URL.parse(url)?.host ?? url
}

/** Compares local time with the servers' `Date` headers; warns beyond 60 s. */
export function clockCheck(samples: ClockSample[], apiBaseUrl: string): Check {
  const sample = samples[0]
  if (!sample) {
    return {
      status: 'skip',
      title: `clock: no Date header from ${hostOf(apiBaseUrl)} to compare with`,
    }
  }
  // `Date` is truncated to the second: its middle is half a second later.
  const skew = Math.round((sample.local - sample.remote - 500) / 1000)
  const text =
    skew === 0 ? 'in step with' : `${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'}`
  if (Math.abs(skew) <= 60) {
    return { status: 'ok', title: `clock ${text} ${hostOf(apiBaseUrl)}` }
  }
  return {
    status: 'warn',
    title: `clock ${text} ${hostOf(apiBaseUrl)}`,
    why: 'Token expiry, cookie lifetimes and TLS all depend on the time; sessions may end early or late.',
    fix: 'enable time synchronisation (NTP: timedatectl set-ntp true, or chrony)',
  }
}

/**
 * Opens the authorize link as WeChat's client would (qrconnect as a desktop browser) and reads the
 * page error code WeChat shows (10003, 10005, 10016 …), without following the redirect. With
 * `emulator`, the fixes are the emulator's.
 */
export async function probeAuthorize(
  kind: AppKind,
  appId: string,
  callbackUrl: string,
  openBaseUrl: string,
  emulator?: EmulatorInfo,
): Promise<Check> {
  const k = appKinds[kind]
  const flow = kind === 'official' ? 'oauth2/authorize' : 'qrconnect'
  const label = `${k.label} ${appId} on ${flow}`
  const url =
    kind === 'official'
      ? buildAuthorizeUrl({
          appId,
          redirectUri: callbackUrl,
          scope: 'snsapi_userinfo',
          state: 'wxauthdoctor',
          openBaseUrl,
        })
      : buildQrConnectUrl({ appId, redirectUri: callbackUrl, state: 'wxauthdoctor', openBaseUrl })
  let response: Response
  let body: string
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { 'user-agent': kind === 'official' ? WECHAT_UA : DESKTOP_UA },
      signal: AbortSignal.timeout(TIMEOUT),
    })
    body = (await response.text()).slice(0, 512 * 1024)
  } catch (error) {
    const host = hostOf(openBaseUrl)
    const timedOut = (error as Error | undefined)?.name === 'TimeoutError'
    const code = timedOut ? undefined : errorCode(error)
    return {
      status: 'fail',
      title: timedOut
        ? `network: no answer from the authorize page at ${host} within ${TIMEOUT / 1000} s`
        : `network: cannot open the authorize page at ${host}${code ? ` (${code})` : ''}`,
      why: timedOut
        ? 'A firewall dropping the connection, or a proxy that is required but not used.'
        : networkWhy(code, host, error),
      fix: networkFix(openBaseUrl),
    }
  }
  if (response.status >= 300 && response.status < 400) {
    const location = URL.parse(response.headers.get('location') ?? '', url)
    const target = location ? `${location.origin}${location.pathname}` : '(nowhere)'
    if (target === callbackUrl) {
      return { status: 'ok', title: `${label}: accepted (redirects to the callback URL)` }
    }
    return { status: 'ok', title: `${label}: accepted (redirects to ${target})` }
  }
  if (response.status !== 200) {
    return {
      status: 'warn',
      title: `${label}: the page answered HTTP ${response.status}`,
      fix: 'open the link in WeChat to see what it says (wxauth url prints it as a QR code)',
    }
  }
  const errcode = pageErrcode(body)
  if (errcode !== undefined) {
    const page = { kind, appId, label, callbackUrl }
    return emulator ? emulatorPageCheck(errcode, page, emulator) : pageErrorCheck(errcode, page)
  }
  if (body.includes('该链接无法访问')) {
    const who = emulator ? 'the emulator' : 'WeChat'
    return {
      status: 'fail',
      title: `${label}: ${who} cannot open the link (该链接无法访问)`,
      why: `The AppID is unknown to ${who}, or a parameter is wrong.`,
      fix: emulator
        ? unknownAppFix(emulator, kind, envName(kind, 'id'))
        : `check ${envName(kind, 'id')} against ${k.console}`,
    }
  }
  return { status: 'ok', title: `${label}: no error page` }
}

const PAGE_CODES = [10003, 10004, 10005, 10006, 10009, 10010, 10011, 10012, 10013, 10015, 10016]

function pageErrcode(body: string): number | undefined {
  const m = /错误码\s*[：:]\s*(\d{5})/.exec(body)
  if (m) return Number(m[1])
  // Otherwise WeChat's message text, in case the page shows no number.
  const byText = PAGE_CODES.find((code) => body.includes(describeErrcode(code).zh))
  if (byText !== undefined) return byText
  // Titles WeChat's pages have been seen with (reference §2.3).
  if (/redirect_uri\s*参数错误/.test(body)) return 10003
  if (/Scope\s*参数错误或没有\s*Scope\s*权限/i.test(body)) return 10005
  return undefined
}

/** The authorize page that showed an error: which app, and the callback it was given. */
interface Page {
  kind: AppKind
  appId: string
  label: string
  callbackUrl: string
}

function pageErrorCheck(errcode: number, { kind, label, callbackUrl }: Page): Check {
  const k = appKinds[kind]
  const info = describeErrcode(errcode)
  const title = `${label}: WeChat shows page error ${errcode} (${info.zh})`
  const url = URL.parse(callbackUrl)
  const host = url?.host ?? callbackUrl
  switch (errcode) {
    case 10003:
      return {
        status: 'fail',
        title,
        why: `The callback host ${host} is not the app's authorized domain${url?.port ? ', and it has a port (WeChat allows none)' : ''}.`,
        fix: `enter ${url?.hostname ?? host} in ${k.domain} (the full host: subdomains do not match)${url?.port ? ', and serve the app without a port (a reverse proxy on 443)' : ''}`,
      }
    case 10005:
      return {
        status: 'fail',
        title,
        why:
          kind === 'official'
            ? 'The AppID is not an official account with web authorization for snsapi_userinfo (a verified 服务号), or it is a website app.'
            : 'qrconnect needs a website app (网站应用) AppID with snsapi_login; this looks like an official account.',
        fix:
          kind === 'official'
            ? `use the official account's AppID in WECHAT_APP_ID (an unverified account has only snsapi_base: set scope 'snsapi_base')`
            : 'put the website app AppID from open.weixin.qq.com in WECHAT_WEBSITE_APP_ID',
      }
    case 10016:
      return {
        status: 'fail',
        title,
        why: 'This is an open-platform (website or mobile app) AppID; login inside WeChat needs an official account.',
        fix: 'put this AppID in WECHAT_WEBSITE_APP_ID (QR login on desktop) and the official account AppID (mp.weixin.qq.com) in WECHAT_APP_ID',
      }
    case 10009:
      return {
        status: 'warn',
        title,
        fix: 'WeChat rate-limits the page; run the check again later',
      }
    default:
      return {
        status: 'fail',
        title,
        why: info.en,
        fix: `check ${envName(kind, 'id')} and the app's status in ${k.console}`,
      }
  }
}

/** A page error on the emulator: the same codes, fixed in the emulator's apps, not a console. */
function emulatorPageCheck(errcode: number, page: Page, emulator: EmulatorInfo): Check {
  const { kind, appId, label, callbackUrl } = page
  const info = describeErrcode(errcode)
  const title = `${label}: the emulator shows page error ${errcode} (${info.zh})`
  const other: AppKind = kind === 'official' ? 'website' : 'official'
  switch (errcode) {
    case 10003:
      return {
        status: 'fail',
        title,
        why: `The emulator's app does not allow callbacks on ${URL.parse(callbackUrl)?.host ?? callbackUrl}.`,
        fix: callbackDomainFix(emulator, appId, callbackUrl),
      }
    case 10005:
    case 10016:
      return {
        status: 'fail',
        title,
        why: `${appId} is the emulator's ${appKinds[other].label}, not its ${appKinds[kind].label}.`,
        fix: `${wrongKindFix(emulator, kind, envName(kind, 'id'))}, and put ${appId} in ${envName(other, 'id')}`,
      }
    default:
      return {
        status: 'fail',
        title,
        why: info.en,
        fix: `check ${envName(kind, 'id')} against the emulator's apps (${emulator.apps.map((a) => a.appId).join(', ')})`,
      }
  }
}

/** Connects to REDIS_URL and sends PING (1 s timeout). */
export async function redisCheck(raw: string, name: string): Promise<Check> {
  const url = URL.parse(raw)
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    return {
      status: 'fail',
      title: `${name} is not a redis:// or rediss:// URL`,
      fix: `set ${name}=redis://[:password@]host:6379`,
    }
  }
  const shown = redactRedisUrl(url)
  const result = await pingRedis(url, 1000)
  if (result.ok) return { status: 'ok', title: `Redis at ${shown} answers PING (${result.ms} ms)` }
  const address = `${url.hostname}:${url.port || 6379}`
  switch (result.reason) {
    case 'timeout':
      return {
        status: 'fail',
        title: `Redis at ${shown}: no answer within 1 s`,
        why: 'A firewall dropping packets, a wrong host, or a TLS-only server (use rediss://).',
        fix: `check that Redis listens on ${address} and this machine may connect to it`,
      }
    case 'auth':
      return {
        status: 'fail',
        title: `Redis at ${shown} refuses the credentials (${result.reply})`,
        fix: `put the right password in ${name}: redis://:password@${address} (or redis://user:password@…)`,
      }
    case 'network':
      return {
        status: 'fail',
        title: `Redis at ${shown} is unreachable${result.code ? ` (${result.code})` : ''}`,
        why:
          result.code === 'ECONNREFUSED'
            ? `Nothing listens on ${address}.`
            : result.code === 'ENOTFOUND'
              ? `DNS cannot resolve ${url.hostname}.`
              : 'The connection failed.',
        fix: `start Redis on ${address} or fix ${name}`,
      }
    default:
      return {
        status: 'fail',
        title: `Redis at ${shown} answered ${result.reply}`,
        fix: `check that ${address} is a Redis server`,
      }
  }
}
