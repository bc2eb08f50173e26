/** The user's answers on the consent and snapshot pages (the emulator's own form targets). */
import { type Ctx, cookieNames, setCookie } from '../context.js'
import type { AuthRequest } from '../model/pending.js'
import { renderDenied } from '../pages/index.js'
import { htmlReply, type Reply, redirectReply } from '../reply.js'
import { consentPage } from './authorize.js'
import { approvedUrl, deniedUrl, issueAuthCode } from './callback.js'
import { appView, currentUser, PageError, readForm, runPage } from './page.js'
import { pageLangOf } from './ua.js'

const expired = () =>
  new PageError(undefined, {
    message: {
      zh: '此授权请求已过期，或已经答复过。',
      en: 'This authorization request has expired or was already answered.',
    },
    hint: { zh: '请重新打开授权链接。', en: 'Open the authorize link again.' },
  })

function pendingRequest(ctx: Ctx, id: string | null): AuthRequest {
  const req = id ? ctx.env.world.pending.get(id, ctx.now) : undefined
  if (!req) throw expired()
  return req
}

/** The refusal, as configured: redirect with `state` only, or a page and no redirect. */
export function refuse(ctx: Ctx, req: AuthRequest): Reply {
  if (ctx.env.behaviour.refusal === 'redirect') return redirectReply(deniedUrl(req))
  const app = ctx.env.world.apps.get(req.appId)
  if (!app) throw expired()
  return htmlReply(renderDenied({ lang: pageLangOf(ctx.request), app: appView(app) }))
}

/** POST /__emulator/consent with `request`, `user`, `decision` (allow | deny). */
export function consent(ctx: Ctx): Promise<Reply> {
  return runPage(pageLangOf(ctx.request), async () => {
    if (ctx.request.method !== 'POST')
      throw new PageError(undefined, {
        hint: { zh: '请用 POST 提交授权表单。', en: 'POST the consent form.' },
      })
    const form = await readForm(ctx.request)
    const id = form.get('request')
    const req = pendingRequest(ctx, id)
    const decision = form.get('decision')
    if (decision !== 'allow' && decision !== 'deny') {
      throw new PageError(undefined, {
        hint: { zh: 'decision 必须是 allow 或 deny。', en: 'decision must be allow or deny.' },
      })
    }
    ctx.env.world.pending.delete(id as string)
    if (decision === 'deny') return refuse(ctx, req)
    const user = ctx.env.world.users.get(form.get('user') ?? undefined)
    if (!user || user.snapshot)
      throw new PageError(undefined, {
        hint: { zh: '请选择列出的用户之一。', en: 'Pick one of the listed users.' },
      })
    ctx.env.world.consents.record(req.appId, user.id, ctx.now)
    const code = issueAuthCode(ctx.env, req, user.id, false, ctx.now)
    return redirectReply(approvedUrl(req, code), [setCookie(cookieNames.user, user.id)])
  })
}

/** GET /__emulator/snapshot/browse?request=ID: continue as the snapshot (virtual) account. */
export function snapshotBrowse(ctx: Ctx): Promise<Reply> {
  return runPage(pageLangOf(ctx.request), () => {
    const id = ctx.url.searchParams.get('request')
    const req = pendingRequest(ctx, id)
    const user = currentUser(ctx)
    if (!user) throw expired()
    ctx.env.world.pending.delete(id as string)
    return redirectReply(approvedUrl(req, issueAuthCode(ctx.env, req, user.id, true, ctx.now)))
  })
}

/** GET /__emulator/snapshot/full?request=ID: "使用完整服务", the real consent page. */
export function snapshotFull(ctx: Ctx): Promise<Reply> {
  return runPage(pageLangOf(ctx.request), () => {
    const id = ctx.url.searchParams.get('request')
    const req = pendingRequest(ctx, id)
    const app = ctx.env.world.apps.get(req.appId)
    if (!app) throw expired()
    return consentPage(ctx, app, id as string)
  })
}
