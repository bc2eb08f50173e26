import { avatarSvg } from './avatar.js'
import { type HtmlValue, html, raw, type SafeHtml, safeUrl } from './html.js'
import { kindLabel, texts } from './i18n.js'
import type { AppView, PageLang, UserView } from './views.js'

const T = {
  snapshot: { zh: '快照用户', en: 'snapshot user' },
  noUsers: {
    zh: '模拟器中没有用户。请在模拟器配置中添加用户。',
    en: 'The emulator has no users. Add users to the emulator configuration.',
  },
}

/** The app's logo (a generated letter avatar), name, kind and AppID, centred. */
export function appHeader(lang: PageLang, app: AppView): SafeHtml {
  return html`<div class="app">
${raw(avatarSvg({ id: app.appId, nickname: app.name }))}
<div class="name">${app.name}</div>
<div class="meta">${kindLabel(lang, app.kind)} · <code>${app.appId}</code></div>
</div>`
}

/** A user's avatar image, nickname, id and snapshot badge, for use inside a row. */
export function userLabel(lang: PageLang, user: UserView, extra?: HtmlValue): SafeHtml {
  const t = texts(lang, T)
  return html`<img class="avatar" src="${safeUrl(user.avatarUrl)}" alt="" width="40" height="40">
<span class="who"><span class="nick">${user.nickname}${user.snapshot ? html`<span class="badge">${t.snapshot}</span>` : ''}${extra}</span><span class="id">${user.id}</span></span>`
}

/**
 * A radio list of users named `name`, one checked (`selectedId`, or the first user when it
 * matches none). Renders a short notice when there are no users.
 */
export function userPicker(
  lang: PageLang,
  legend: string,
  users: readonly UserView[],
  selectedId: string,
  name = 'user',
): SafeHtml {
  const t = texts(lang, T)
  if (users.length === 0) return html`<p class="empty">${t.noUsers}</p>`
  const checkedId = users.some((u) => u.id === selectedId) ? selectedId : users[0]?.id
  const rows = users.map(
    (u) =>
      html`<li><label class="user"><input type="radio" name="${name}" value="${u.id}"${u.id === checkedId ? raw(' checked') : ''}>${userLabel(lang, u)}</label></li>`,
  )
  return html`<fieldset><legend>${legend}</legend><ul class="users">${rows}</ul></fieldset>`
}

/** A side note for developers (what the emulator does and why). */
export function devNote(title: string, body: HtmlValue): SafeHtml {
  return html`<aside class="note"><h2>${title}</h2>${body}</aside>`
}

const ICONS = {
  info: '<svg class="icon" viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="32" fill="#10aeff"/><rect x="29" y="27" width="6" height="22" rx="3" fill="#fff"/><circle cx="32" cy="18" r="4" fill="#fff"/></svg>',
  warn: '<svg class="icon" viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="32" fill="#fa5151"/><rect x="29" y="14" width="6" height="24" rx="3" fill="#fff"/><circle cx="32" cy="47" r="4" fill="#fff"/></svg>',
  notice:
    '<svg class="icon" viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="32" fill="#fa9d3b"/><rect x="29" y="14" width="6" height="24" rx="3" fill="#fff"/><circle cx="32" cy="47" r="4" fill="#fff"/></svg>',
  success:
    '<svg class="icon" viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="32" fill="#07c160"/><path d="M19 33l9 9 17-19" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  waiting:
    '<svg class="icon" viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="32" fill="#10aeff"/><path d="M32 16v17l11 7" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>',
} as const

/** A WeUI-style round message icon. */
export function icon(kind: keyof typeof ICONS): SafeHtml {
  return raw(ICONS[kind])
}
