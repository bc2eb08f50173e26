/** sns/jscode2session: a mini program's wx.login code → openid + session_key. */
import type { Ctx } from '../context.js'
import { newSessionKey, openidFor } from '../ids.js'
import { unionidOf } from '../model/apps.js'
import type { Reply } from '../reply.js'
import { ApiError, api, checkMethod, need, wxJson } from './wire.js'

/** Lifetime of a js_code in seconds. */
export const jsCodeTtl = 300

/** GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code */
export function jscode2session(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url, env, now } = ctx
    checkMethod(ctx.request, 'GET')
    const app = env.world.apps.get(need(url, 'appid', 41002, 40013))
    if (app?.kind !== 'miniprogram') throw new ApiError(40013)
    if (need(url, 'secret', 41004, 40125) !== app.secret) throw new ApiError(40125)
    const code = need(url, 'js_code', 41008, 40029)
    if (need(url, 'grant_type', 40002, 40002) !== 'authorization_code') throw new ApiError(40002)
    const check = env.world.jsCodes.check(code, app.appId, undefined, now)
    if (!check.ok) throw new ApiError(check.errcode)
    const user = env.world.users.get(check.grant.userId)
    if (!user) throw new ApiError(40029)
    // WeChat limits each user to 100 calls a minute.
    if (!env.world.jsRate.take(user.id, env.behaviour.jscode2sessionPerMinute, now)) {
      throw new ApiError(45011)
    }
    env.world.jsCodes.use(code)
    if (user.blocked) throw new ApiError(40226)
    // No errcode on success; session_key first, as observed.
    const body: Record<string, string> = {
      session_key: newSessionKey(env.world.canary),
      openid: openidFor(app.appId, user.id, user.snapshot === true),
    }
    const unionid = unionidOf(app, user.id, user.snapshot === true)
    if (unionid !== undefined) body.unionid = unionid
    return wxJson(ctx, body)
  })
}
