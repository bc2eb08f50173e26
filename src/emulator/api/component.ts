/**
 * Third-party platform (component) endpoints: cgi-bin/component/api_component_token and the
 * sns/oauth2/component exchange and refresh on behalf of an official account.
 */
import type { AppConfig } from '../config.js'
import type { Ctx } from '../context.js'
import type { Reply } from '../reply.js'
import { redeemCode, refreshAnswer } from './grant.js'
import { ApiError, api, checkMethod, need, wxJson } from './wire.js'

const maxBody = 64 * 1024

/**
 * POST /cgi-bin/component/api_component_token with JSON
 * `{component_appid, component_appsecret, component_verify_ticket}`. The emulator cannot push
 * tickets, so any non-empty ticket is accepted.
 */
export function componentToken(ctx: Ctx): Promise<Reply> {
  return api(ctx, async () => {
    const { env, now } = ctx
    checkMethod(ctx.request, 'POST')
    const text = await ctx.request.text()
    let body: unknown
    try {
      body = text.length > maxBody ? undefined : JSON.parse(text)
    } catch {}
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(47001)
    const field = (name: string) => {
      const v = (body as Record<string, unknown>)[name]
      return typeof v === 'string' && v !== '' ? v : undefined
    }
    const appId = field('component_appid')
    if (appId === undefined) throw new ApiError(47001)
    const app = env.world.apps.get(appId)
    if (!app) throw new ApiError(40013)
    if (app.kind !== 'component') throw new ApiError(61011)
    const secret = field('component_appsecret')
    if (secret === undefined) throw new ApiError(41004)
    if (secret !== app.secret) throw new ApiError(40125)
    if (field('component_verify_ticket') === undefined) throw new ApiError(61006)
    const { token, expiresIn } = env.world.componentTokens.issue(
      appId,
      env.behaviour.accessTokenTtl,
      now,
    )
    return wxJson(ctx, { component_access_token: token, expires_in: expiresIn })
  })
}

/** Validates appid + component_appid + component_access_token; returns the official account. */
function authorizer(ctx: Ctx): { app: AppConfig; componentAppId: string } {
  const { url, env, now } = ctx
  const app = env.world.apps.get(need(url, 'appid', 41002, 40013))
  if (app?.kind !== 'official') throw new ApiError(40013)
  const componentAppId = need(url, 'component_appid', 41018, 40013)
  const component = env.world.apps.get(componentAppId)
  if (component?.kind !== 'component') throw new ApiError(40013)
  const token = need(url, 'component_access_token', 41001, 40001)
  // A user or authorizer token where the platform's own token belongs is "api unauthorized".
  if (env.world.tokens.access(token)) throw new ApiError(48001)
  if (!env.world.componentTokens.valid(token, componentAppId, now)) throw new ApiError(40001)
  if (!(app.authorizedComponents ?? []).includes(componentAppId)) throw new ApiError(40013)
  return { app, componentAppId }
}

/** GET /sns/oauth2/component/access_token?appid&code&grant_type&component_appid&component_access_token */
export function componentExchange(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    checkMethod(ctx.request, 'GET')
    const { app, componentAppId } = authorizer(ctx)
    return redeemCode(ctx, app, componentAppId)
  })
}

/** GET /sns/oauth2/component/refresh_token?appid&grant_type&component_appid&component_access_token&refresh_token */
export function componentRefresh(ctx: Ctx): Promise<Reply> {
  return api(ctx, () => {
    const { url } = ctx
    checkMethod(ctx.request, 'GET')
    const { componentAppId } = authorizer(ctx)
    if (need(url, 'grant_type', 40002, 40002) !== 'refresh_token') throw new ApiError(40002)
    return refreshAnswer(ctx, need(url, 'refresh_token', 41003, 40030), componentAppId)
  })
}
