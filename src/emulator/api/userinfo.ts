/** sns/userinfo and sns/auth: what a user access token is worth. */
import type { Ctx } from '../context.js'
import { looksLikeToken } from '../ids.js'
import { unionidOf } from '../model/apps.js'
import type { AccessToken } from '../model/tokens.js'
import type { Reply } from '../reply.js'
import { avatarUrl } from '../urls.js'
import { ApiError, api, checkMethod, need, wxJson } from './wire.js'

function liveToken(ctx: Ctx, token: string, openid: string, unknown: number): AccessToken {
  const rec = ctx.env.world.tokens.access(token)
  if (!rec) throw new ApiError(unknown)
  if (rec.revoked) throw new ApiError(42007)
  if (rec.expiresAt <= ctx.now) throw new ApiError(42001)
  if (rec.openid !== openid) throw new ApiError(40003)
  return rec
}

/** GET /sns/userinfo?access_token&openid[&lang=zh_CN|zh_TW|en] */
export function userinfo(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url, env } = ctx
    checkMethod(ctx.request, 'GET')
    const token = need(url, 'access_token', 41001, 40014)
    const openid = need(url, 'openid', 41009, 40003)
    // A well-formed but unknown token (e.g. a cgi-bin or component token) is 40001, as observed.
    const rec = liveToken(ctx, token, openid, looksLikeToken(token) ? 40001 : 40014)
    const scopes = rec.scope.split(',')
    if (!scopes.includes('snsapi_userinfo') && !scopes.includes('snsapi_login')) {
      throw new ApiError(48001)
    }
    if (rec.snapshot && env.behaviour.snapshotUserinfo === '48001') throw new ApiError(48001)
    const app = env.world.apps.get(rec.appId)
    const user = env.world.users.get(rec.userId)
    if (!app || !user) throw new ApiError(40003)
    // lang (zh_CN, zh_TW, en) is accepted and, as reported for today's WeChat, changes nothing.
    const virtual = rec.snapshot && !user.snapshot
    const privacy = env.behaviour.privacyMode
    const sex = virtual || privacy ? 0 : (user.sex ?? 0)
    const body: Record<string, unknown> = {
      openid: rec.openid,
      nickname: virtual ? '微信用户' : user.nickname,
      sex: env.behaviour.sexAsString ? String(sex) : sex,
      language: user.language ?? 'zh_CN',
      city: virtual || privacy ? '' : (user.city ?? ''),
      province: virtual || privacy ? '' : (user.province ?? ''),
      country: virtual || privacy ? '' : (user.country ?? ''),
      headimgurl: virtual
        ? avatarUrl(env.baseUrl(), 'virtual')
        : (user.headimgurl ?? avatarUrl(env.baseUrl(), user.id)),
      privilege: virtual ? [] : [...(user.privilege ?? [])],
    }
    const unionid = unionidOf(app, user.id, rec.snapshot)
    if (unionid !== undefined) body.unionid = unionid
    return wxJson(ctx, body)
  })
}

/** GET /sns/auth?access_token&openid → `{"errcode":0,"errmsg":"ok"}` when valid. */
export function checkToken(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url } = ctx
    checkMethod(ctx.request, 'GET')
    const token = need(url, 'access_token', 41001, 40014)
    const openid = need(url, 'openid', 41009, 40003)
    liveToken(ctx, token, openid, 40014)
    // The one success answer that carries errcode.
    return wxJson(ctx, { errcode: 0, errmsg: 'ok' })
  })
}
