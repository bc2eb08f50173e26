/** sns/oauth2/access_token (code → token) and sns/oauth2/refresh_token. */
import type { Ctx } from '../context.js'
import type { Reply } from '../reply.js'
import { redeemCode, refreshAnswer } from './grant.js'
import { ApiError, api, checkMethod, need } from './wire.js'

/** Apps that log users in with sns/oauth2 codes. */
const oauthKinds = new Set(['official', 'website'])

/** GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code */
export function exchangeCode(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url, env } = ctx
    checkMethod(ctx.request, 'GET')
    const app = env.world.apps.get(need(url, 'appid', 41002, 40013))
    if (!app || !oauthKinds.has(app.kind)) throw new ApiError(40013)
    if (need(url, 'secret', 41004, 40125) !== app.secret) throw new ApiError(40125)
    return redeemCode(ctx, app)
  })
}

/** GET /sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token (no secret). */
export function refreshToken(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url, env } = ctx
    checkMethod(ctx.request, 'GET')
    const app = env.world.apps.get(need(url, 'appid', 41002, 40013))
    if (!app || !oauthKinds.has(app.kind)) throw new ApiError(40013)
    if (need(url, 'grant_type', 40002, 40002) !== 'refresh_token') throw new ApiError(40002)
    return refreshAnswer(ctx, need(url, 'refresh_token', 41003, 40030))
  })
}
