/**
 * The fetch handler: routes by path (any host), applies scripted and chaos faults, logs
 * (redacted), and never throws — an internal failure becomes WeChat's `errcode -1` (or an error
 * page).
 */
import { componentExchange, componentRefresh, componentToken } from './api/component.js'
import { jscode2session } from './api/jscode2session.js'
import { exchangeCode, refreshToken } from './api/oauth-token.js'
import { checkToken, userinfo } from './api/userinfo.js'
import { wxError } from './api/wire.js'
import { codeExchangeEndpoints } from './code-usage.js'
import { type Ctx, parseCookies } from './context.js'
import { control } from './control.js'
import type { Core } from './core.js'
import { crossSiteError, crossSiteReason } from './cross-site.js'
import { demoCallback, demoCallbackPath } from './demo.js'
import { type EndpointName, isPageEndpoint } from './endpoints.js'
import { type Fault, mangle, proxyErrorPage, replacesAnswer, sleep } from './faults.js'
import { avatar, forgetConsentsForm, forgetConsentsPath, home, isForm, switchUser } from './home.js'
import { authorize, continueAnyway, continuePath } from './open/authorize.js'
import { consent, snapshotBrowse, snapshotFull } from './open/consent.js'
import { errorPage } from './open/page.js'
import { qrConfirm, qrconnect, qrScan, qrStatus } from './open/qrconnect.js'
import { pageLangOf, qrLangOf } from './open/ua.js'
import type { Bilingual } from './pages/i18n.js'
import type { PageLang } from './pages/views.js'
import { controlReply, type Reply, textReply, toResponse } from './reply.js'
import { redactTarget } from './request-log.js'
import { controlPrefix } from './urls.js'

type Run = (ctx: Ctx) => Reply | Promise<Reply>

/** WeChat's endpoints by path. */
const endpoints: Record<string, { name: EndpointName; run: Run }> = {
  '/sns/oauth2/access_token': { name: 'sns/oauth2/access_token', run: exchangeCode },
  '/sns/oauth2/refresh_token': { name: 'sns/oauth2/refresh_token', run: refreshToken },
  '/sns/auth': { name: 'sns/auth', run: checkToken },
  '/sns/userinfo': { name: 'sns/userinfo', run: userinfo },
  '/sns/oauth2/component/access_token': {
    name: 'sns/oauth2/component/access_token',
    run: componentExchange,
  },
  '/sns/oauth2/component/refresh_token': {
    name: 'sns/oauth2/component/refresh_token',
    run: componentRefresh,
  },
  '/sns/jscode2session': { name: 'sns/jscode2session', run: jscode2session },
  '/cgi-bin/component/api_component_token': {
    name: 'cgi-bin/component/api_component_token',
    run: componentToken,
  },
  '/connect/oauth2/authorize': { name: 'connect/oauth2/authorize', run: authorize },
  '/connect/qrconnect': { name: 'connect/qrconnect', run: qrconnect },
}

/** Longest request URL accepted (like a front proxy's limit). */
export const maxUrlLength = 8192

function emulatorRoute(core: Core, path: string): Run | undefined {
  const rest = path.slice(controlPrefix.length)
  switch (path) {
    case `${controlPrefix}consent`:
      return consent
    case continuePath:
      return continueAnyway
    case `${controlPrefix}current-user`:
      return switchUser
    case forgetConsentsPath:
      return (ctx) =>
        ctx.request.method === 'POST' && isForm(ctx.request)
          ? forgetConsentsForm(ctx)
          : control(core, ctx, 'forget-consents')
    case `${controlPrefix}snapshot/browse`:
      return snapshotBrowse
    case `${controlPrefix}snapshot/full`:
      return snapshotFull
    case demoCallbackPath:
      return demoCallback
  }
  const avatarMatch = /^avatar\/([^/]+)\.svg$/.exec(rest)
  if (avatarMatch) {
    const id = safeDecode(avatarMatch[1] as string)
    return (ctx) => avatar(ctx, id)
  }
  const qr = /^qr\/([A-Za-z0-9]{1,64})\/(status|scan|confirm)$/.exec(rest)
  if (qr) {
    const uuid = qr[1] as string
    if (qr[2] === 'status') return (ctx) => qrStatus(ctx, uuid)
    return qr[2] === 'scan' ? (ctx) => qrScan(ctx, uuid) : (ctx) => qrConfirm(ctx, uuid)
  }
  if (/^[a-z-]+$/.test(rest)) return (ctx) => control(core, ctx, rest)
  return undefined
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function notFound(path: string): Reply {
  return textReply(
    404,
    `404 Not Found: the wxauth emulator has no endpoint at ${path.slice(0, 200)} (GET / lists what it serves).`,
  )
}

/** The language of a WeChat page endpoint's answer (qrconnect has its own `lang` parameter). */
function langOf(ctx: Ctx, endpoint: EndpointName): PageLang {
  return endpoint === 'connect/qrconnect' ? qrLangOf(ctx.url, ctx.request) : pageLangOf(ctx.request)
}

/** What a fault that replaces the answer answers. */
function faultAnswer(ctx: Ctx, endpoint: EndpointName, fault: Fault): Reply {
  if (fault.page !== undefined && isPageEndpoint(endpoint)) {
    return errorPage(langOf(ctx, endpoint), fault.page)
  }
  return wxError(ctx, fault.errcode ?? -1, fault.errmsg)
}

/** The developer hint on the error page an internal failure of a page endpoint shows. */
export const internalErrorHint: Readonly<Bilingual> = Object.freeze({
  zh: '模拟器内部出错。',
  en: 'The emulator hit an internal error.',
})

function internalError(ctx: Ctx, endpoint: EndpointName | undefined): Reply {
  if (endpoint === undefined) return controlReply(500, { error: 'internal emulator error' })
  if (isPageEndpoint(endpoint)) {
    return errorPage(langOf(ctx, endpoint), undefined, { hint: internalErrorHint })
  }
  return wxError(ctx, -1)
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

const dropped = Symbol('dropped')

/** Why a write to `/__emulator/` is refused as cross-site (reads pass: they change nothing). */
function refusedAsCrossSite(core: Core, request: Request, url: URL): string | undefined {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
    return undefined
  }
  const own = [url.host, URL.parse(core.baseUrl())?.host ?? url.host]
  return crossSiteReason(request, own)
}

/**
 * Builds the handler. It resolves to a Response for every request (`Response.error()` when a
 * `drop` fault is injected) and rejects only with `request.signal.reason` when aborted.
 */
export function createHandler(core: Core): (request: Request) => Promise<Response> {
  const handle = dispatcher(core)
  return async (request) => {
    try {
      return await handle(request)
    } catch {
      if (request.signal.aborted) throw request.signal.reason
      return new Response('{"errcode":-1,"errmsg":"system error"}', {
        headers: { 'Content-Type': core.behaviour.contentType },
      })
    }
  }
}

function dispatcher(core: Core): (request: Request) => Promise<Response> {
  return async (request) => {
    const signal = request.signal
    if (signal.aborted) throw signal.reason
    const url = new URL(request.url)
    const path = url.pathname
    const route = endpoints[path]
    const endpoint = route?.name
    if (endpoint) core.hit(endpoint)
    // A scripted fault first; else chaos mode may pick one.
    const scripted = endpoint ? core.faults.take(endpoint) : undefined
    const chaos = endpoint && !scripted ? core.chaos.pick(endpoint) : undefined
    const fault = scripted ?? chaos?.fault
    // A fault that replaces the answer (errcode -1…) leaves the code unused: not an exchange.
    if (endpoint && codeExchangeEndpoints.has(endpoint) && !(fault && replacesAnswer(fault))) {
      core.codeUsage.note(url.searchParams.get('code'))
    }
    const makeCtx = (now: number): Ctx => ({
      env: core,
      request,
      url,
      now,
      cookies: parseCookies(request.headers.get('cookie')),
    })
    let ctx: Ctx | undefined
    const work = async (): Promise<Reply | typeof dropped> => {
      if (fault?.delay) await sleep(fault.delay, signal)
      ctx = makeCtx(core.clock.now())
      let reply: Reply
      if (request.url.length > maxUrlLength) {
        reply = { status: 414, headers: [['Content-Type', 'text/html']], body: proxyErrorPage(414) }
      } else if (fault && endpoint && replacesAnswer(fault)) {
        reply = faultAnswer(ctx, endpoint, fault)
      } else if (route) {
        reply = await route.run(ctx)
      } else if (path === '/') {
        reply = home(ctx)
      } else if (path.startsWith(controlPrefix)) {
        const crossSite = refusedAsCrossSite(core, request, url)
        const run = emulatorRoute(core, path)
        if (crossSite) reply = controlReply(403, crossSiteError(crossSite))
        else reply = run ? await run(ctx) : notFound(path)
      } else {
        reply = notFound(path)
      }
      if (!fault) return reply
      const mangled = mangle(reply, fault)
      return fault.drop ? dropped : mangled
    }
    let result: Reply | typeof dropped
    try {
      result = await abortable(work(), signal)
    } catch {
      if (signal.aborted) throw signal.reason
      // Even a failing clock must not stop the answer.
      ctx ??= makeCtx(Date.now())
      result = internalError(ctx, endpoint)
    }
    if (path !== '/' && !path.startsWith(controlPrefix) && path !== '/favicon.ico') {
      const entry: Parameters<typeof core.log.add>[0] = {
        time: ctx?.now ?? Date.now(),
        method: request.method,
        url: redactTarget(
          url,
          core.world.apps.list().map((app) => app.secret),
          (candidate) => core.world.isIssued(candidate),
        ),
        status: result === dropped ? 0 : result.status,
      }
      if (endpoint) entry.endpoint = endpoint
      if (result !== dropped && result.errcode !== undefined) entry.errcode = result.errcode
      if (fault) entry.fault = fault
      if (chaos) entry.chaos = chaos.kind
      core.log.add(entry)
    }
    return result === dropped ? Response.error() : toResponse(result, request.method)
  }
}
