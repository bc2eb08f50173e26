import { MAX_TTL } from '../stores/arguments.js'
import type { Store } from '../stores/store.js'

/**
 * The unionid each (app, openid) was last seen with. WeChat gives an official account's unionid
 * only with `snsapi_userinfo` (never with `snsapi_base`), so a user who once logged in with the
 * profile keeps the same subject when a later login of the same openid comes without it. Written
 * only from a unionid this server got from WeChat in a code exchange, never from a snapshot user.
 * @internal
 */
export interface UnionidLinks {
  /** The unionid last seen with `openid` of `appId`, if any. */
  find(appId: string, openid: string): Promise<string | undefined>
  /** Records (or renews) that `openid` of `appId` is `unionid`. */
  remember(appId: string, openid: string, unionid: string): Promise<void>
}

/** Kept for the longest TTL a store takes, renewed by every login that carries the unionid. */
const LINK_TTL = MAX_TTL

/** @internal */
export function unionidLinks(store: Store): UnionidLinks {
  const key = (appId: string, openid: string) => `link:${appId}:${openid}`
  return {
    async find(appId, openid) {
      const raw = await store.get(key(appId, openid))
      if (raw === undefined) return undefined
      try {
        const { unionid } = JSON.parse(raw) as { unionid?: unknown }
        return typeof unionid === 'string' && unionid !== '' ? unionid : undefined
      } catch {
        return undefined
      }
    },
    remember: (appId, openid, unionid) =>
      store.set(key(appId, openid), JSON.stringify({ unionid }), LINK_TTL),
  }
}
