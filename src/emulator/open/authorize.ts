/**
 * GET /connect/oauth2/authorize: the official account authorization page as the WeChat client
 * shows it — outside-WeChat notice, error pages, silent snsapi_base, consent, snapshot page.
 */
import type { AppConfig } from '../config.js'
import { type Ctx, cookieNames, setCookie } from '../context.js'
import { renderConsent, renderOpenInWeChat, renderSnapshot } from '../pages/index.js'
import { htmlReply, type Reply, redirectReply } from '../reply.js'
import { controlPrefix } from '../urls.js'
import { approvedUrl, autoApprovedUrl, issueAuthCode } from './callback.js'
import { appView, currentRealUser, currentUser, PageError, realUsers, runPage } from './page.js'
import { clientOf, pageLangOf } from './ua.js'
import { validateAuthorize } from './validate.js'

/** Path that sets the continue-anyway cookie and returns to the authorize link. */
export const continuePath = `${controlPrefix}continue`

function outsideWeChat(ctx: Ctx): Reply | undefined {
  if (!ctx.env.behaviour.requireWeChatUserAgent) return undefined
  const client = clientOf(ctx.request.headers.get('user-agent'))
  if (client === 'wechat' || ctx.cookies.get(cookieNames.continueAnyway) === '1') return undefined
  const back = ctx.url.pathname + ctx.url.search
  return htmlReply(
    renderOpenInWeChat({
      lang: pageLangOf(ctx.request),
      continueUrl: `${continuePath}?to=${encodeURIComponent(back)}`,
      wecom: client === 'wecom',
    }),
  )
}

/** GET /connect/oauth2/authorize */
export function authorize(ctx: Ctx): Promise<Reply> {
  return runPage(pageLangOf(ctx.request), () => {
    const { env, now } = ctx
    // Auto-approve stands in for the user's answer, not for WeChat's client: a normal browser
    // still gets "请在微信客户端打开链接", and the script waits for a request it can answer.
    const notice = outsideWeChat(ctx)
    if (notice) return notice
    const { app, req, forcePopup, forceSnapShot } = validateAuthorize(ctx)
    const wantsInfo = req.scope.split(',').includes('snsapi_userinfo')
    const auto = env.takeAutoApproval()
    if (auto) return redirectReply(autoApprovedUrl(env, req, auto, now))
    const user = currentUser(ctx)
    if (!user)
      throw new PageError(undefined, {
        hint: {
          zh: '模拟器中没有用户（用 POST /__emulator/users 添加）。',
          en: 'The emulator has no users (POST /__emulator/users).',
        },
      })
    // snsapi_base is silent: no page, straight back with a code.
    if (!wantsInfo) {
      return redirectReply(
        approvedUrl(req, issueAuthCode(env, req, user.id, user.snapshot === true, now)),
      )
    }
    const id = () => env.world.pending.add(req, now)
    if (user.snapshot) return snapshotPage(ctx, app, id())
    // Consent within 30 days is silent, unless forcePopup; forceSnapShot does not apply then.
    if (
      !forcePopup &&
      env.world.consents.within(app.appId, user.id, env.behaviour.rememberConsentDays, now)
    ) {
      return redirectReply(approvedUrl(req, issueAuthCode(env, req, user.id, false, now)))
    }
    if (forceSnapShot) return snapshotPage(ctx, app, id())
    return consentPage(ctx, app, id())
  })
}

function snapshotPage(ctx: Ctx, app: AppConfig, requestId: string): Reply {
  const q = `?request=${encodeURIComponent(requestId)}`
  return htmlReply(
    renderSnapshot({
      lang: pageLangOf(ctx.request),
      app: appView(app),
      browseUrl: `${controlPrefix}snapshot/browse${q}`,
      fullServiceUrl: `${controlPrefix}snapshot/full${q}`,
    }),
  )
}

/** The consent page for a pending request. */
export function consentPage(ctx: Ctx, app: AppConfig, requestId: string): Reply {
  const req = ctx.env.world.pending.get(requestId, ctx.now)
  return htmlReply(
    renderConsent({
      lang: pageLangOf(ctx.request),
      app: appView(app),
      scope: req?.scope ?? 'snsapi_userinfo',
      users: realUsers(ctx),
      selectedUserId: currentRealUser(ctx)?.id ?? '',
      action: `${controlPrefix}consent`,
      requestId,
    }),
  )
}

/** GET /__emulator/continue?to=PATH: lets this browser open authorize links without WeChat. */
export function continueAnyway(ctx: Ctx): Reply {
  const to = ctx.url.searchParams.get('to') ?? '/'
  // Only same-origin paths: never an open redirect.
  const safe = to.startsWith('/') && !to.startsWith('//') && !to.startsWith('/\\') ? to : '/'
  return redirectReply(safe, [setCookie(cookieNames.continueAnyway, '1', 86_400)])
}
