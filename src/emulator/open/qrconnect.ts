/**
 * GET /connect/qrconnect (website QR login) and its emulator-side parts: the status the page
 * polls, the phone's confirm page, and the one-click "simulate scan".
 */
import type { Ctx } from '../context.js'
import type { QrSession } from '../model/qr.js'
import { qrSvg, renderQrConfirm, renderQrConnect } from '../pages/index.js'
import type { QrConfirmView } from '../pages/views.js'
import { controlReply, htmlReply, type Reply, redirectReply } from '../reply.js'
import { controlPrefix } from '../urls.js'
import { approvedUrl, autoApprovedUrl, deniedUrl, issueAuthCode } from './callback.js'
import { appView, currentRealUser, PageError, readForm, realUsers, runPage } from './page.js'
import { pageLangOf, qrLangOf } from './ua.js'
import { validateQrConnect } from './validate.js'

const qrPath = (uuid: string, leaf: string) =>
  `${controlPrefix}qr/${encodeURIComponent(uuid)}/${leaf}`

/** GET /connect/qrconnect */
export function qrconnect(ctx: Ctx): Promise<Reply> {
  const lang = qrLangOf(ctx.url, ctx.request)
  return runPage(lang, () => {
    const { env, now } = ctx
    const { app, req } = validateQrConnect(ctx)
    const auto = env.takeAutoApproval()
    if (auto) return redirectReply(autoApprovedUrl(env, req, auto, now))
    const session = env.world.qr.create({ ...req, lang }, env.behaviour.qrTtl, now)
    const confirmUrl = `${env.baseUrl()}${qrPath(session.uuid, 'confirm')}`
    return htmlReply(
      renderQrConnect({
        lang,
        app: appView(app),
        qrSvg: qrSvg(confirmUrl),
        confirmUrl,
        statusUrl: qrPath(session.uuid, 'status'),
        simulateScanUrl: qrPath(session.uuid, 'scan'),
      }),
    )
  })
}

/** Confirms or denies a QR session as `userId`. */
function decide(
  ctx: Ctx,
  s: QrSession,
  userId: string,
  decision: 'allow' | 'deny',
): 'confirmed' | 'denied' {
  if (decision === 'deny') {
    s.status = 'denied'
    // With refusal "none" the page just says so and stays.
    if (ctx.env.behaviour.refusal === 'redirect') s.redirect = deniedUrl(s)
    return s.status
  }
  s.status = 'confirmed'
  s.redirect = approvedUrl(s, issueAuthCode(ctx.env, s, userId, false, ctx.now))
  return s.status
}

function statusBody(s: QrSession | undefined): { status: string; redirect?: string } {
  if (!s) return { status: 'expired' }
  return s.redirect === undefined
    ? { status: s.status }
    : { status: s.status, redirect: s.redirect }
}

const wantsHtml = (request: Request) => (request.headers.get('accept') ?? '').includes('text/html')

/** GET /__emulator/qr/UUID/status → `{status, redirect?}` for the polling page. */
export function qrStatus(ctx: Ctx, uuid: string): Reply {
  const s = ctx.env.world.qr.get(uuid, ctx.now)
  return controlReply(s ? 200 : 404, statusBody(s))
}

const noUsers = () =>
  new PageError(undefined, { hint: { zh: '模拟器中没有用户。', en: 'The emulator has no users.' } })

const qrExpired = () =>
  new PageError(undefined, {
    message: { zh: '二维码已失效。', en: 'This QR code has expired.' },
    hint: { zh: '请刷新登录页面。', en: 'Reload the login page.' },
  })

/** POST /__emulator/qr/UUID/scan: scan and confirm at once as this browser's current user. */
export function qrScan(ctx: Ctx, uuid: string): Promise<Reply> {
  const s = ctx.env.world.qr.get(uuid, ctx.now)
  // The QR page's own language: the scan form is on it.
  return runPage(s?.lang ?? pageLangOf(ctx.request), () => {
    const html = wantsHtml(ctx.request)
    if (ctx.request.method !== 'POST')
      return controlReply(405, { error: 'POST to simulate a scan' })
    if (s && (s.status === 'waiting' || s.status === 'scanned')) {
      const user = currentRealUser(ctx)
      if (!user) throw noUsers()
      decide(ctx, s, user.id, 'allow')
    }
    if (!html) return controlReply(s ? 200 : 404, statusBody(s))
    if (s?.redirect) return redirectReply(s.redirect, [], 303)
    throw qrExpired()
  })
}

function confirmView(ctx: Ctx, s: QrSession, state: QrConfirmView['state']): Reply {
  const app = ctx.env.world.apps.get(s.appId)
  if (!app) throw new PageError(undefined)
  return htmlReply(
    renderQrConfirm({
      // The phone's page is in the phone's language.
      lang: pageLangOf(ctx.request),
      app: appView(app),
      users: realUsers(ctx),
      selectedUserId: currentRealUser(ctx)?.id ?? '',
      action: qrPath(s.uuid, 'confirm'),
      state,
    }),
  )
}

/** GET (marks scanned) / POST (decides) /__emulator/qr/UUID/confirm: the phone's page. */
export function qrConfirm(ctx: Ctx, uuid: string): Promise<Reply> {
  return runPage(pageLangOf(ctx.request), async () => {
    const s = ctx.env.world.qr.get(uuid, ctx.now)
    if (!s) throw qrExpired()
    if (s.status === 'expired') return confirmView(ctx, s, 'expired')
    if (s.status === 'confirmed' || s.status === 'denied') return confirmView(ctx, s, s.status)
    if (ctx.request.method !== 'POST') {
      s.status = 'scanned'
      return confirmView(ctx, s, 'pending')
    }
    const form = await readForm(ctx.request)
    const decision = form.get('decision')
    const user = ctx.env.world.users.get(form.get('user') ?? undefined)
    if ((decision !== 'allow' && decision !== 'deny') || !user || user.snapshot) {
      throw new PageError(undefined, {
        hint: {
          zh: '请选择列出的用户之一，然后点允许或拒绝。',
          en: 'Pick one of the listed users and allow or deny.',
        },
      })
    }
    return confirmView(ctx, s, decide(ctx, s, user.id, decision))
  })
}
