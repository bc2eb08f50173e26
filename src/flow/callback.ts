import {
  WECHAT_INVALID_RESPONSE,
  WeChatApiError,
  WeChatError,
  WeChatResponseError,
} from '../client/errors.js'
import type { TokenResult, UserInfoResult } from '../client/types.js'
import { StoreError } from '../stores/errors.js'
import type { FlowContext } from './context.js'
import { readCookies } from './cookies.js'
import type { FlowRequest, FlowResponse } from './http.js'
import type { ProblemCode } from './pages/index.js'
import { sha256 } from './random.js'
import { problem, redirect, restartUrl } from './respond.js'
import {
  consumeTransaction,
  peekTransaction,
  saveTransaction,
  type Transaction,
} from './transaction.js'
import type { Identity, Profile } from './types.js'

/** What the exchange for one transaction came to; shared with duplicate callbacks. @internal */
export type Outcome =
  | { kind: 'login'; setCookie: string; returnTo: string }
  | { kind: 'restart'; location: string }
  | { kind: 'problem'; code: ProblemCode; retryUrl?: string }

interface ResultRecord {
  status: 'pending' | 'done'
  binding: string
  /** The outcome, sealed: it may hold a live session cookie. */
  sealed?: string
}

// A duplicate callback from the same browser within this time gets the first one's result.
const REPLAY_WINDOW = 60_000
const JOIN_WAIT = 15_000
const CODE_LIFE = 5 * 60_000
const STATE = /^[A-Za-z0-9]{22,128}$/
// Automatic restarts after a lost cookie, a spent code or an expired login stop here.
const MAX_ATTEMPT = 2

/**
 * GET callback: WeChat's redirect back with `code` and `state` (or only `state` on refusal).
 * Nothing reaches WeChat before the state is proven to belong to this browser and used up.
 * @internal
 */
export async function handleCallback(
  ctx: FlowContext,
  request: FlowRequest,
): Promise<FlowResponse> {
  const { config } = ctx
  const params = request.url.searchParams
  for (const name of ['code', 'state', 'error']) {
    if (params.getAll(name).length > 1) return fail(ctx, request, 'bad_request')
  }
  const state = params.get('state')
  const code = params.get('code')
  if (state === null || state === '')
    return fail(ctx, request, 'state_missing', restartUrl(config, config.defaultReturnTo, 1))
  if (!STATE.test(state))
    return fail(ctx, request, 'state_invalid', restartUrl(config, config.defaultReturnTo, 1))
  if (code !== null && !/^[\x21-\x7e]{1,512}$/.test(code)) return fail(ctx, request, 'bad_request')

  const bindingValue = readCookies(request)[ctx.names.binding]
  const binding = bindingValue ? await sha256(bindingValue) : undefined
  try {
    const tx = await peekTransaction(config.store, state)
    if (!tx) {
      if (binding) {
        const joined = await join(ctx, request, state, binding)
        if (joined) return joined
      }
      config.log({ type: 'login-restart', code: 'state_expired' })
      return redirect(restartUrl(config, config.defaultReturnTo, MAX_ATTEMPT), [])
    }
    if (!binding) {
      // WeChat's in-app browser sometimes drops cookies across the redirect: start again once.
      // The transaction stays: whoever holds only the URL must not be able to cancel the login
      // of the browser that started it.
      if (tx.attempt >= MAX_ATTEMPT) {
        return fail(ctx, request, 'cookies_blocked', restartUrl(config, tx.returnTo, 1), tx.appId)
      }
      config.log({ type: 'login-restart', code: 'binding_missing', appId: tx.appId })
      return redirect(restartUrl(config, tx.returnTo, tx.attempt + 1), [])
    }
    if (binding !== tx.binding) {
      // Someone else's login (login CSRF): no session, no call to WeChat, their attempt untouched.
      return fail(ctx, request, 'state_mismatch', undefined, tx.appId)
    }
    if (!(await consumeTransaction(config.store, state))) {
      return (await join(ctx, request, state, binding)) ?? fail(ctx, request, 'state_expired')
    }
    if (code === null) {
      config.log({ type: 'login-failure', code: 'access_denied', appId: tx.appId })
      return problem(request, 'access_denied', restartUrl(config, tx.returnTo, 1), tx.returnTo)
    }
    const outcome = await own(ctx, state, binding, tx, code)
    if (outcome.kind === 'login') {
      // A new login replaces the browser's previous session (SESS-01): revoke it where revocable.
      await ctx.sessions.destroy(request).catch(() => undefined)
    }
    return respond(ctx, request, outcome)
  } catch (error) {
    if (error instanceof StoreError) return fail(ctx, request, 'store_unavailable')
    throw error
  }
}

/** Runs the exchange for a consumed transaction, visible to duplicate callbacks while it runs. */
async function own(
  ctx: FlowContext,
  state: string,
  binding: string,
  tx: Transaction,
  code: string,
) {
  const resultKey = `login:result:${state}`
  const store = ctx.config.store
  // Not tied to the request: WeChat's browser drops the first of two identical callbacks, and the
  // second must get the result of the exchange the first started.
  const outcome = (async () => {
    await store.set(resultKey, JSON.stringify({ status: 'pending', binding }), REPLAY_WINDOW)
    return exchange(ctx, tx, code)
  })()
  // Registered before anything is awaited, so that a duplicate callback now joins this exchange.
  ctx.inflight.set(state, { binding, outcome })
  const forget = () => {
    if (ctx.inflight.get(state)?.outcome === outcome) ctx.inflight.delete(state)
  }
  let recorded = false
  try {
    const result = await outcome
    if (result.kind === 'problem' && result.code === 'snapshot_user') {
      // "使用完整服务" sends the user through the same authorize link again, so the same state comes
      // back with a new code: keep the transaction for it, and do not replay this outcome.
      forget()
      await store.delete(resultKey).catch(() => {})
      await saveTransaction(store, state, tx).catch(() => {})
      return result
    }
    const sealed = await ctx.sealer.seal(
      { outcome: result },
      { purpose: 'result', maxAge: REPLAY_WINDOW / 1000, now: ctx.config.now() },
    )
    const record: ResultRecord = { status: 'done', binding, sealed }
    recorded = await store.set(resultKey, JSON.stringify(record), REPLAY_WINDOW).then(
      () => true,
      () => false,
    )
    return result
  } finally {
    // Once the record is stored, duplicates read it from there (in any process); until then, or
    // when it could not be stored, they join the entry kept in this process for the window.
    if (recorded) forget()
    else setTimeout(forget, REPLAY_WINDOW).unref?.()
  }
}

/** A callback for a transaction already used up: the same browser gets the same result. */
async function join(
  ctx: FlowContext,
  request: FlowRequest,
  state: string,
  binding: string,
): Promise<FlowResponse | undefined> {
  const local = ctx.inflight.get(state)
  if (local) {
    if (local.binding !== binding) return fail(ctx, request, 'state_mismatch')
    return respond(ctx, request, await local.outcome)
  }
  const deadline = Date.now() + JOIN_WAIT
  for (;;) {
    const raw = await ctx.config.store.get(`login:result:${state}`)
    if (raw === undefined) return undefined
    const record = JSON.parse(raw) as ResultRecord
    if (record.binding !== binding) return fail(ctx, request, 'state_mismatch')
    if (record.status === 'done' && record.sealed) {
      const opened = await ctx.sealer.unseal<{ outcome: Outcome }>(record.sealed, {
        purpose: 'result',
        now: ctx.config.now(),
      })
      return opened ? respond(ctx, request, opened.outcome) : undefined
    }
    if (Date.now() > deadline) return fail(ctx, request, 'wechat_unavailable')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function exchange(ctx: FlowContext, tx: Transaction, code: string): Promise<Outcome> {
  const { config } = ctx
  const app = config.apps[tx.kind]
  if (!app || app.appId !== tx.appId) return { kind: 'problem', code: 'misconfigured' }
  try {
    // Without PKCE, a code seen before is the mark of a replayed or injected code: never redeem it
    // twice. One atomic add, so that of two callbacks racing with one code only one goes on; an
    // ordinary expiring value (WeChat codes die after 5 minutes), not a lock: locks are few and
    // kept for refreshes, and these records can be created by anyone.
    if (!(await config.store.add(`login:code:${await sha256(code)}`, '1', CODE_LIFE))) {
      config.log({ type: 'login-failure', code: 'code_reused', appId: tx.appId })
      return { kind: 'problem', code: 'code_reused' }
    }
    // REL-01: one budget for every WeChat call of this callback, retries and backoff included.
    const deadline = Date.now() + config.budget
    let token: TokenResult
    try {
      token = await app.client.exchangeCode(code, { deadline })
    } catch (error) {
      return exchangeFailure(ctx, tx, error)
    }
    if (token.is_snapshotuser === 1) {
      // A snapshot-page user's openid and unionid are virtual: never an account.
      config.log({ type: 'login-failure', code: 'snapshot_user', appId: tx.appId })
      return {
        kind: 'problem',
        code: 'snapshot_user',
        retryUrl: restartUrl(config, tx.returnTo, 1),
      }
    }
    let info: UserInfoResult | undefined
    if (wantsProfile(tx.scope) && wantsProfile(token.scope)) {
      try {
        info = await app.client.getUserInfo(token.access_token, token.openid, { deadline })
      } catch (error) {
        // The code exchange proved who the user is. A refusal (48001…) or an unreachable WeChat
        // costs the profile, not the login, whose code is spent; an answer that is wrong (another
        // openid, fields of the wrong type) discards the whole exchange.
        if (!(error instanceof WeChatError) || isWrongAnswer(error)) throw error
        config.log({
          type: 'login-failure',
          code:
            error instanceof WeChatApiError
              ? `userinfo_errcode_${error.errcode}`
              : `userinfo_${error.code.toLowerCase()}`,
          appId: tx.appId,
        })
      }
    }
    const given = token.unionid ?? info?.unionid
    if (given !== undefined) await ctx.links.remember(tx.appId, token.openid, given)
    const unionid = given ?? (await ctx.links.find(tx.appId, token.openid))
    const identity = identityOf(tx.appId, token, info, unionid)
    const tokenSet = {
      accessToken: token.access_token,
      refreshToken: token.refresh_token,
      expiresAt: config.now() + token.expires_in * 1000,
      scope: token.scope,
    }
    let user: unknown
    if (config.onLogin) {
      try {
        user = await config.onLogin(identity, tokenSet)
      } catch (error) {
        // The application's database being down is "try again later", not "you are refused".
        const code = isTransient(error) ? 'store_unavailable' : 'login_rejected'
        config.log({ type: 'login-failure', code, appId: tx.appId })
        return { kind: 'problem', code }
      }
    }
    await ctx.tokens.save(tx.appId, token.openid, token, identity.subject)
    const { setCookie } = await ctx.sessions.create(identity, user)
    config.log({ type: 'login-success', appId: tx.appId })
    return { kind: 'login', setCookie, returnTo: tx.returnTo }
  } catch (error) {
    if (error instanceof StoreError) return { kind: 'problem', code: 'store_unavailable' }
    if (error instanceof WeChatError) return { kind: 'problem', code: 'wechat_unavailable' }
    // A session too large for a cookie: what onLogin returned is too big.
    if (error instanceof RangeError) return { kind: 'problem', code: 'misconfigured' }
    throw error
  }
}

function exchangeFailure(ctx: FlowContext, tx: Transaction, error: unknown): Outcome {
  const { config } = ctx
  if (!(error instanceof WeChatError)) throw error
  const detail = error instanceof WeChatApiError ? `errcode_${error.errcode}` : error.code
  config.log({ type: 'login-failure', code: detail, appId: tx.appId })
  switch (error.category) {
    case 'restart-login':
      if (tx.attempt >= MAX_ATTEMPT) {
        return {
          kind: 'problem',
          code: 'code_invalid',
          retryUrl: restartUrl(config, tx.returnTo, 1),
        }
      }
      config.log({ type: 'login-restart', code: detail, appId: tx.appId })
      return { kind: 'restart', location: restartUrl(config, tx.returnTo, tx.attempt + 1) }
    case 'rate-limit':
      return { kind: 'problem', code: 'rate_limited', retryUrl: restartUrl(config, tx.returnTo, 1) }
    case 'config':
      return { kind: 'problem', code: 'misconfigured' }
    case 'blocked':
      return { kind: 'problem', code: 'login_rejected' }
    default:
      return {
        kind: 'problem',
        code: 'wechat_unavailable',
        retryUrl: restartUrl(config, tx.returnTo, 1),
      }
  }
}

/** An error that says "not now" rather than "no": a store's, or one marked `retryable: true`. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof StoreError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { retryable?: unknown }).retryable === true)
  )
}

/** A well-formed answer that says something wrong, as opposed to one that did not arrive whole. */
function isWrongAnswer(error: WeChatError): boolean {
  return (
    error instanceof WeChatResponseError &&
    error.code === WECHAT_INVALID_RESPONSE &&
    error.status >= 200 &&
    error.status < 300
  )
}

function wantsProfile(scope: string): boolean {
  return scope.split(',').some((s) => s === 'snsapi_userinfo' || s === 'snsapi_login')
}

function identityOf(
  appId: string,
  token: TokenResult,
  info: UserInfoResult | undefined,
  unionid: string | undefined,
): Identity {
  const identity: Identity = {
    subject: unionid ?? `${appId}:${token.openid}`,
    appId,
    openid: token.openid,
    scope: token.scope,
  }
  if (unionid !== undefined) identity.unionid = unionid
  if (info) identity.profile = profileOf(info)
  return identity
}

function profileOf(info: UserInfoResult): Profile {
  return {
    nickname: info.nickname,
    avatarUrl: info.headimgurl,
    sex: info.sex,
    country: info.country,
    province: info.province,
    city: info.city,
  }
}

function respond(ctx: FlowContext, request: FlowRequest, outcome: Outcome): FlowResponse {
  switch (outcome.kind) {
    case 'login':
      // The binding cookie stays (it expires with the transaction): a repeat of this callback from
      // the same browser is recognised by it and gets this same session.
      return redirect(`${ctx.config.origin}${outcome.returnTo}`, [outcome.setCookie])
    case 'restart':
      return redirect(outcome.location, [])
    case 'problem':
      return problem(request, outcome.code, outcome.retryUrl)
  }
}

function fail(
  ctx: FlowContext,
  request: FlowRequest,
  code: ProblemCode,
  retryUrl?: string,
  appId?: string,
): FlowResponse {
  ctx.config.log({ type: 'login-failure', code, ...(appId ? { appId } : {}) })
  return problem(request, code, retryUrl)
}
