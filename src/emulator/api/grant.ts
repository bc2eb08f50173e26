/** Turning a redeemed code into WeChat's token answer (shared by the plain and component exchanges). */
import type { AppConfig } from '../config.js'
import type { Ctx } from '../context.js'
import { openidFor } from '../ids.js'
import { unionidOf } from '../model/apps.js'
import type { CodeGrant } from '../model/codes.js'
import type { Reply } from '../reply.js'
import { ApiError, need, wxJson } from './wire.js'

/** Whether a token answer for this app and scope carries `unionid` (when the app is bound). */
export function showsUnionid(ctx: Ctx, app: AppConfig, scope: string): boolean {
  // Official accounts only return unionid for snsapi_userinfo (since 2017-12).
  if (app.kind !== 'official') return true
  return scope.split(',').includes('snsapi_userinfo') || ctx.env.behaviour.unionidForBase
}

/** Issues tokens for a redeemed code and answers like sns/oauth2/access_token. */
export function tokenAnswer(ctx: Ctx, app: AppConfig, grant: CodeGrant): Reply {
  const { behaviour, world } = ctx.env
  const openid = openidFor(app.appId, grant.userId, grant.snapshot)
  const { access, refresh } = world.tokens.issue(
    { ...grant, openid },
    { accessSeconds: behaviour.accessTokenTtl, refreshDays: behaviour.refreshTokenTtlDays },
    ctx.now,
  )
  // No token_type: WeChat omits it.
  const body: Record<string, string | number> = {
    access_token: access.token,
    expires_in: behaviour.accessTokenTtl,
    refresh_token: refresh.token,
    openid,
    scope: grant.scope,
  }
  const unionid = showsUnionid(ctx, app, grant.scope)
    ? unionidOf(app, grant.userId, grant.snapshot)
    : undefined
  if (unionid !== undefined) body.unionid = unionid
  if (grant.snapshot) body.is_snapshotuser = 1
  return wxJson(ctx, body)
}

/** Answers a refresh: same refresh_token string, access token kept (extended) or replaced. */
export function refreshAnswer(ctx: Ctx, token: string, componentAppId?: string): Reply {
  const { behaviour, world } = ctx.env
  const appid = ctx.url.searchParams.get('appid')
  const rec = world.tokens.refresh(token, ctx.now)
  if (!rec || rec.appId !== appid || rec.componentAppId !== componentAppId) {
    throw new ApiError(40030)
  }
  if (rec.revoked) throw new ApiError(42007)
  const access = world.tokens.renew(rec, behaviour.accessTokenTtl, ctx.now)
  return wxJson(ctx, {
    access_token: access.token,
    expires_in: behaviour.accessTokenTtl,
    refresh_token: rec.token,
    openid: rec.openid,
    scope: rec.scope,
  })
}

/** Redeems the request's `code` for `app` (single use), checking grant_type, and answers the tokens. */
export function redeemCode(ctx: Ctx, app: AppConfig, componentAppId?: string): Reply {
  const code = need(ctx.url, 'code', 41008, 40029)
  if (need(ctx.url, 'grant_type', 40002, 40002) !== 'authorization_code') throw new ApiError(40002)
  const check = ctx.env.world.codes.check(code, app.appId, componentAppId, ctx.now)
  if (!check.ok) throw new ApiError(check.errcode)
  ctx.env.world.codes.use(code)
  return tokenAnswer(ctx, app, check.grant)
}
