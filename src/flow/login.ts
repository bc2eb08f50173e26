import { STORE_TIMEOUT, StoreError } from '../stores/errors.js'
import type { FlowApp } from './config.js'
import type { FlowContext } from './context.js'
import { readCookies, setCookie } from './cookies.js'
import { environmentOf } from './environment.js'
import type { FlowRequest, FlowResponse } from './http.js'
import {
  htmlResponse,
  jsonResponse,
  pageLang,
  problemResponse,
  renderOpenInWeChat,
  renderScanQr,
  renderWeCom,
  wantsJson,
} from './pages/index.js'
import { randomBase62, sha256 } from './random.js'
import { problem, redirect } from './respond.js'
import { resolveReturnTo } from './return-to.js'
import { admitTransaction, TRANSACTION_TTL, transactionKey } from './transaction.js'

const BINDING = /^[A-Za-z0-9]{43}$/
// Pending logins one browser may have; starting another drops the oldest (SEC-05).
const MAX_PENDING = 5
// Rounds of the pending list's compare-and-set before a login start gives up.
const CAP_ROUNDS = 8

/**
 * GET login: picks the flow for where the user is (inside WeChat, a desktop browser, a phone
 * browser, WeCom), records a transaction and sends the user to WeChat, or shows what to do.
 * @internal
 */
export async function handleLogin(ctx: FlowContext, request: FlowRequest): Promise<FlowResponse> {
  const { config } = ctx
  const params = request.url.searchParams
  const returnTo = resolveReturnTo(params.get('returnTo'), config.origin, config.defaultReturnTo)
  const attempt = Math.min(Math.max(Number.parseInt(params.get('attempt') ?? '1', 10) || 1, 1), 3)
  const loginUrl = `${config.origin}${config.basePath}/login?${new URLSearchParams({ returnTo })}`
  const lang = pageLang(request)
  const environment = environmentOf(request.headers.get('user-agent'))

  let app: FlowApp | undefined
  if (environment === 'wechat') {
    app = config.apps.official
  } else if (environment === 'desktop') {
    app = config.apps.website
    if (!app && config.apps.official)
      return guidance(request, 'scan-qr', renderScanQr({ lang, loginUrl }), loginUrl)
  } else if (environment === 'mobile') {
    return guidance(request, 'open-in-wechat', renderOpenInWeChat({ lang, loginUrl }), loginUrl)
  } else {
    return guidance(request, 'open-in-wechat', renderWeCom({ lang, loginUrl }), loginUrl)
  }
  if (!app) return problem(request, 'not_configured')

  const existing = readCookies(request)[ctx.names.binding]
  const bindingValue = existing && BINDING.test(existing) ? existing : randomBase62()
  const state = randomBase62()
  const scope = app.kind === 'official' ? config.scope : 'snsapi_login'
  const bindingHash = await sha256(bindingValue)
  try {
    const tx = {
      v: 1,
      kind: app.kind,
      appId: app.appId,
      redirectUri: config.callbackUrl,
      scope,
      returnTo,
      binding: bindingHash,
      attempt,
      createdAt: config.now(),
    } as const
    if (!(await admitTransaction(config.store, state, tx, config.maxPendingLogins))) {
      // Refused, not evicting: the logins already under way, and every session, stay intact.
      config.log({ type: 'login-failure', code: 'busy', appId: app.appId })
      return problemResponse(request, 'busy', { headers: { 'Retry-After': '60' } })
    }
    await capPending(ctx, bindingHash, state)
  } catch (error) {
    // Never send a user to WeChat with a state that could not be stored: the callback would fail.
    if (error instanceof StoreError) return problem(request, 'store_unavailable')
    throw error
  }
  const location =
    app.kind === 'official'
      ? app.client.authorizeUrl({ redirectUri: config.callbackUrl, scope: config.scope, state })
      : app.client.qrConnectUrl({
          redirectUri: config.callbackUrl,
          state,
          lang: lang === 'en' ? 'en' : 'cn',
        })
  config.log({ type: 'login-start', appId: app.appId })
  const cookie = setCookie(ctx.names.binding, bindingValue, {
    maxAge: TRANSACTION_TTL / 1000,
    path: '/',
    secure: config.secure,
  })
  return redirect(location, [cookie], 302)
}

function guidance(
  request: FlowRequest,
  next: string,
  html: string,
  loginUrl: string,
): FlowResponse {
  return wantsJson(request) ? jsonResponse({ next, loginUrl }, 200) : htmlResponse(html, 200)
}

async function capPending(ctx: FlowContext, binding: string, state: string): Promise<void> {
  const store = ctx.config.store
  const key = `login:pending:${binding}`
  // A compare-and-set loop: logins started at once by one browser must not each read the list
  // before the others wrote it, or the cap of MAX_PENDING would not hold.
  for (let round = 0; round < CAP_ROUNDS; round++) {
    const raw = await store.get(key)
    const pending = parsePending(raw)
    pending.push(state)
    const dropped = pending.splice(0, Math.max(0, pending.length - MAX_PENDING))
    const value = JSON.stringify(pending)
    const written =
      raw === undefined
        ? await store.add(key, value, TRANSACTION_TTL)
        : await store.swap(key, raw, value, TRANSACTION_TTL)
    if (written) {
      for (const oldest of dropped) await store.delete(transactionKey(oldest))
      return
    }
  }
  // Only a browser starting logins in a tight loop gets here: its newest attempt does not count.
  await store.delete(transactionKey(state))
  throw new StoreError('too many logins started at once by one browser', {
    code: STORE_TIMEOUT,
    operation: 'swap',
  })
}

function parsePending(raw: string | undefined): string[] {
  if (raw === undefined) return []
  try {
    const parsed: unknown = JSON.parse(raw)
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : []
  } catch {
    return []
  }
}
