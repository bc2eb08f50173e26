import { invalidArgument, WeChatApiError } from '../client/errors.js'
import type { TokenResult } from '../client/types.js'
import { STORE_TIMEOUT, StoreError } from '../stores/errors.js'
import type { Lock } from '../stores/store.js'
import type { FlowApp, ResolvedConfig } from './config.js'
import { NoTokensError, ReauthorizeError } from './errors.js'
import type { Sealer } from './seal.js'
import type { TokenSet } from './types.js'

/** A user's tokens as stored (sealed) in the store. @internal */
interface StoredTokens extends TokenSet {
  appId: string
  openid: string
  /** The refresh token's fixed end of life (30 days from the login). */
  refreshExpiresAt: number
}

const REFRESH_TOKEN_LIFE = 30 * 24 * 3600 * 1000
// Refresh this long before expiry, so a token handed out is still good for a while.
const SKEW = 60_000
// Longer than a refresh can take with its retries (3 attempts of 5 s plus backoff).
const LOCK_TTL = 30_000
const WAIT_STEP = 25

/** Stored tokens of users, and one refresh at a time per user across instances. @internal */
export interface TokenKeeper {
  save(appId: string, openid: string, result: TokenResult, subject: string): Promise<TokenSet>
  getAccessToken(user: string | { appId: string; openid: string }): Promise<string>
}

/** @internal */
export function createTokenKeeper(
  config: ResolvedConfig,
  sealer: Sealer,
  now: () => number = Date.now,
): TokenKeeper {
  const { store } = config
  const inflight = new Map<string, Promise<string>>()
  const tokensKey = (appId: string, openid: string) => `tokens:${appId}:${openid}`

  async function read(
    appId: string,
    openid: string,
  ): Promise<{ tokens: StoredTokens; sealed: string } | undefined> {
    const sealed = await store.get(tokensKey(appId, openid))
    if (sealed === undefined) return undefined
    const tokens = await sealer.unseal<StoredTokens>(sealed, { purpose: 'tokens', now: now() })
    return tokens && { tokens, sealed }
  }

  async function load(appId: string, openid: string): Promise<StoredTokens | undefined> {
    return (await read(appId, openid))?.tokens
  }

  /**
   * Writes `tokens`; with `replacing`, only over that exact stored value (REL-07: a refresh whose
   * lock was lost, to a pause or a failover, must not overwrite what the new holder wrote).
   */
  async function write(tokens: StoredTokens, replacing?: string): Promise<void> {
    const ttl = tokens.refreshExpiresAt - now()
    if (ttl <= 0) return
    const sealed = await sealer.seal(
      { ...tokens },
      { purpose: 'tokens', maxAge: Math.ceil(ttl / 1000) },
    )
    const key = tokensKey(tokens.appId, tokens.openid)
    if (replacing === undefined) await store.set(key, sealed, ttl)
    else await store.swap(key, replacing, sealed, ttl)
  }

  function appFor(appId: string): FlowApp {
    const app = Object.values(config.apps).find((a) => a?.appId === appId)
    if (!app) throw invalidArgument(`appId ${appId} is not one of the configured apps`)
    return app
  }

  async function resolveUser(user: string | { appId: string; openid: string }) {
    if (typeof user !== 'string') return user
    const raw = await store.get(`subject:${user}`)
    if (raw === undefined) throw new NoTokensError('no tokens stored for this user')
    return JSON.parse(raw) as { appId: string; openid: string }
  }

  async function refresh(appId: string, openid: string): Promise<string> {
    // Waiting is measured in real time: a test's frozen clock must not make it endless.
    const deadline = Date.now() + LOCK_TTL
    for (;;) {
      const current = await load(appId, openid)
      if (!current) throw new NoTokensError('no tokens stored for this user')
      if (current.expiresAt - now() > SKEW) return current.accessToken
      const lock: Lock | undefined = await store.lock(`refresh:${appId}:${openid}`, LOCK_TTL)
      if (lock) {
        try {
          // Another instance may have refreshed between our read and our lock.
          const fresh = await read(appId, openid)
          if (!fresh) throw new NoTokensError('no tokens stored for this user')
          if (fresh.tokens.expiresAt - now() > SKEW) return fresh.tokens.accessToken
          return await callRefresh(fresh.tokens, fresh.sealed)
        } finally {
          await lock.release().catch(() => false)
        }
      }
      if (Date.now() > deadline) {
        throw new StoreError('timed out waiting for another instance to refresh the token', {
          code: STORE_TIMEOUT,
          operation: 'lock',
        })
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP))
    }
  }

  async function callRefresh(tokens: StoredTokens, sealed: string): Promise<string> {
    const app = appFor(tokens.appId)
    let result: TokenResult
    try {
      result = await app.client.refreshToken(tokens.refreshToken)
    } catch (error) {
      if (error instanceof WeChatApiError && error.category === 'reauthorize') {
        await store.delete(tokensKey(tokens.appId, tokens.openid))
        config.log({
          type: 'refresh-failure',
          code: `errcode_${error.errcode}`,
          appId: tokens.appId,
        })
        throw new ReauthorizeError('WeChat no longer accepts this refresh token: log in again', {
          cause: error,
        })
      }
      config.log({ type: 'refresh-failure', code: 'wechat_unavailable', appId: tokens.appId })
      throw error
    }
    const updated: StoredTokens = {
      ...tokens,
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      expiresAt: now() + result.expires_in * 1000,
      scope: result.scope,
    }
    await write(updated, sealed)
    config.log({ type: 'refresh', appId: tokens.appId })
    return updated.accessToken
  }

  return {
    async save(appId, openid, result, subject) {
      const at = now()
      const tokens: StoredTokens = {
        appId,
        openid,
        accessToken: result.access_token,
        refreshToken: result.refresh_token,
        expiresAt: at + result.expires_in * 1000,
        refreshExpiresAt: at + REFRESH_TOKEN_LIFE,
        scope: result.scope,
      }
      await write(tokens)
      await store.set(`subject:${subject}`, JSON.stringify({ appId, openid }), REFRESH_TOKEN_LIFE)
      const { accessToken, refreshToken, expiresAt, scope } = tokens
      return { accessToken, refreshToken, expiresAt, scope }
    },

    async getAccessToken(user) {
      const { appId, openid } = await resolveUser(user)
      const tokens = await load(appId, openid)
      if (!tokens) throw new NoTokensError('no tokens stored for this user')
      if (tokens.expiresAt - now() > SKEW) return tokens.accessToken
      const key = `${appId}:${openid}`
      let pending = inflight.get(key)
      if (!pending) {
        pending = refresh(appId, openid).finally(() => inflight.delete(key))
        inflight.set(key, pending)
      }
      return pending
    },
  }
}
