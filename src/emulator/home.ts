/** The emulator's home page, the current-user switch and avatar images. */
import { type Ctx, cookieNames, setCookie } from './context.js'
import { demoLinks } from './demo.js'
import { maskSecret } from './mask-secret.js'
import { scopesOf } from './model/apps.js'
import { appView, currentUser, readForm, userView } from './open/page.js'
import { pageLangOf } from './open/ua.js'
import { avatarSvg, renderHome } from './pages/index.js'
import type { RequestView } from './pages/views.js'
import { controlReply, htmlReply, type Reply, redirectReply } from './reply.js'
import { controlPrefix } from './urls.js'

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** GET / */
export function home(ctx: Ctx): Reply {
  const { env } = ctx
  const base = env.baseUrl()
  const requests: RequestView[] = env
    .recentRequests()
    .slice(-50)
    .reverse()
    .map((r) => {
      const d = new Date(r.time)
      const view: RequestView = {
        time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
        method: r.method,
        target: r.url,
        status: r.status,
      }
      if (r.errcode !== undefined) view.errcode = r.errcode
      return view
    })
  const lang = pageLangOf(ctx.request)
  return htmlReply(
    renderHome({
      lang,
      baseUrl: base,
      apps: env.world.apps.list().map((app) => ({
        ...appView(app),
        domains: [...(app.domains ?? [])],
        scopes: [...scopesOf(app)],
        unionid: Boolean(app.openPlatform),
        secretHint: maskSecret(app.secret),
      })),
      users: env.world.users.list().map((u) => userView(base, u)),
      currentUserId: currentUser(ctx)?.id ?? '',
      currentUserAction: `${controlPrefix}current-user`,
      consents: env.world.consents.countWithin(env.behaviour.rememberConsentDays, ctx.now),
      consentDays: env.behaviour.rememberConsentDays,
      forgetConsentsAction: forgetConsentsPath,
      requests,
      demos: demoLinks(env, base, lang),
    }),
  )
}

/** POST /__emulator/current-user with `user`: which user this browser "is" in WeChat. */
export async function switchUser(ctx: Ctx): Promise<Reply> {
  if (ctx.request.method !== 'POST') return controlReply(405, { error: 'POST a form with "user"' })
  const form = await readForm(ctx.request)
  const user = ctx.env.world.users.get(form.get('user') ?? undefined)
  if (!user) return controlReply(400, { error: 'unknown user' })
  return redirectReply('/', [setCookie(cookieNames.user, user.id)], 303)
}

/** Path of the home page's "forget consents" form, and of its scripting twin (JSON). */
export const forgetConsentsPath = `${controlPrefix}forget-consents`

/** POST /__emulator/forget-consents as a form (the home page's button): forget them all, back home. */
export function forgetConsentsForm(ctx: Ctx): Reply {
  ctx.env.world.consents.forget()
  return redirectReply('/', [], 303)
}

/** Whether a request carries an HTML form (the home page's), not JSON (a script). */
export function isForm(request: Request): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '')
}

/** GET /__emulator/avatar/USER.svg: a generated avatar (a grey default for unknown users). */
export function avatar(ctx: Ctx, id: string): Reply {
  const user = ctx.env.world.users.get(id)
  const svg = avatarSvg(user ?? { id, nickname: '微信用户' })
  return {
    status: 200,
    headers: [
      ['Content-Type', 'image/svg+xml; charset=utf-8'],
      ['Cache-Control', 'no-cache'],
      ['Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'"],
      ['X-Content-Type-Options', 'nosniff'],
    ],
    body: svg,
  }
}
