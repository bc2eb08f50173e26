/** Issuing an authorization code and building the callback URL WeChat redirects to. */
import type { AutoApproval } from '../auto-approve.js'
import type { Env } from '../context.js'
import type { AuthRequest } from '../model/pending.js'
import { appendParams } from '../urls.js'
import { PageError } from './page.js'

/** Issues a code for `userId` against a validated authorize request. */
export function issueAuthCode(
  env: Env,
  req: AuthRequest,
  userId: string,
  snapshot: boolean,
  now: number,
): string {
  const app = env.world.apps.get(req.appId)
  const ttl =
    app?.kind === 'website' ? env.behaviour.codeTtl.website : env.behaviour.codeTtl.official
  const grant = { appId: req.appId, userId, scope: req.scope, snapshot }
  return env.world.codes.issue(
    req.componentAppId === undefined ? grant : { ...grant, componentAppId: req.componentAppId },
    ttl,
    now,
  )
}

/** `redirect_uri?code=CODE&state=STATE` (component flow: `&appid=APPID` too). */
export function approvedUrl(req: AuthRequest, code: string): string {
  const params: [string, string][] = [
    ['code', code],
    ['state', req.state],
  ]
  if (req.componentAppId !== undefined) params.push(['appid', req.appId])
  return appendParams(req.redirectUri, params)
}

/** `redirect_uri?state=STATE`: a refusal carries no code. */
export function deniedUrl(req: AuthRequest): string {
  return appendParams(req.redirectUri, [['state', req.state]])
}

/** Where an auto-approved (or auto-denied) authorize request goes at once, with no page. */
export function autoApprovedUrl(
  env: Env,
  req: AuthRequest,
  auto: AutoApproval,
  now: number,
): string {
  if (auto.decision === 'deny') return deniedUrl(req)
  const user = env.world.users.get(auto.user)
  if (!user)
    throw new PageError(undefined, {
      hint: {
        zh: `自动授权的用户 ${auto.user} 不存在。`,
        en: `auto-approve user ${auto.user} does not exist.`,
      },
    })
  return approvedUrl(req, issueAuthCode(env, req, user.id, user.snapshot === true, now))
}
