/** Running an HTML route: page errors become WeChat's error page; views get their common parts. */
import type { AppConfig, UserConfig } from '../config.js'
import { type Ctx, cookieNames } from '../context.js'
import { nameOf } from '../model/apps.js'
import type { Bilingual } from '../pages/i18n.js'
import { renderError } from '../pages/index.js'
import type { AppView, ErrorView, PageLang, UserView } from '../pages/views.js'
import { htmlReply, type Reply } from '../reply.js'
import { avatarUrl } from '../urls.js'
import { genericPageError, pageErrors } from './page-errors.js'

/** What a page error adds to WeChat's text: an explanation and a developer hint, in both languages. */
export interface PageErrorDetail {
  message?: Bilingual
  hint?: Bilingual
}

/** Thrown inside a page route to show WeChat's error page (with a code, or the generic one). */
export class PageError extends Error {
  readonly errcode: number | undefined
  readonly detail: PageErrorDetail
  /** @internal */
  constructor(errcode: number | undefined, detail: PageErrorDetail = {}) {
    super(errcode === undefined ? 'page error' : `page error ${errcode}`)
    this.name = 'PageError'
    this.errcode = errcode
    this.detail = detail
  }
}

/** The error page for a page error code (or the generic "该链接无法访问"), all in `lang`. */
export function errorPage(lang: PageLang, errcode?: number, detail: PageErrorDetail = {}): Reply {
  const text = (errcode !== undefined && pageErrors[errcode]) || genericPageError
  const view: ErrorView = { lang, message: text[lang] }
  if (errcode !== undefined) view.errcode = errcode
  if (detail.message) view.detail = detail.message[lang]
  const hint = (detail.hint ?? text.hint)?.[lang]
  if (hint) view.hint = hint
  // WeChat shows its error pages with HTTP 200.
  return htmlReply(renderError(view))
}

/** Runs a page route, turning {@link PageError} into the error page in `lang`. */
export async function runPage(lang: PageLang, run: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof PageError) return errorPage(lang, e.errcode, e.detail)
    throw e
  }
}

/** An app as pages show it. */
export function appView(app: AppConfig): AppView {
  return { appId: app.appId, name: nameOf(app), kind: app.kind }
}

/** A user as pages show it. */
export function userView(base: string, user: UserConfig): UserView {
  return {
    id: user.id,
    nickname: user.nickname,
    avatarUrl: user.headimgurl ?? avatarUrl(base, user.id),
    snapshot: user.snapshot === true,
  }
}

/** The user this browser "is" in WeChat: the user cookie, else the first real user. */
export function currentUser(ctx: Ctx): UserConfig | undefined {
  const { users } = ctx.env.world
  return users.get(ctx.cookies.get(cookieNames.user)) ?? users.defaultUser()
}

/** Like {@link currentUser}, but never a snapshot user (for consent and QR pickers). */
export function currentRealUser(ctx: Ctx): UserConfig | undefined {
  const user = currentUser(ctx)
  return user && !user.snapshot ? user : ctx.env.world.users.list().find((u) => !u.snapshot)
}

/** Users who can approve on a consent or QR confirm page. */
export function realUsers(ctx: Ctx): UserView[] {
  const base = ctx.env.baseUrl()
  return ctx.env.world.users
    .list()
    .filter((u) => !u.snapshot)
    .map((u) => userView(base, u))
}

/** Reads a urlencoded form body (bounded); a bad body reads as empty. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  if (request.method !== 'POST') return new URLSearchParams()
  const text = await request.text()
  return new URLSearchParams(text.length > 65_536 ? '' : text)
}
