import { html, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { appHeader, devNote, userPicker } from './parts.js'
import type { ConsentView } from './views.js'

const T = {
  title: { zh: '微信授权', en: 'WeChat authorization' },
  asks: { zh: '申请获得以下权限：', en: 'requests permission to:' },
  profile: {
    zh: '获得你的公开信息（昵称、头像）',
    en: 'Get your public profile (nickname and avatar)',
  },
  pick: { zh: '以哪个微信用户授权（模拟器）', en: 'Authorize as (emulator user)' },
  allow: { zh: '允许', en: 'Allow' },
  deny: { zh: '拒绝', en: 'Deny' },
  devTitle: { zh: '开发者说明', en: 'For developers' },
  dev: {
    zh: '这是 snsapi_userinfo 的授权确认页。选择一个模拟用户后点“允许”，模拟器会带着 code 和 state 跳回你的 redirect_uri。快照用户得到的是虚拟帐号数据（is_snapshotuser: 1）。',
    en: 'This is the consent page for snsapi_userinfo. Pick an emulated user and press Allow: the emulator redirects to your redirect_uri with code and state. Snapshot users get virtual-account data (is_snapshotuser: 1).',
  },
}

/** The consent page for `snsapi_userinfo`, with the user picker; posts `request`, `user`, `decision`. */
export function renderConsent(v: ConsentView): string {
  const t = texts(v.lang, T)
  const body = html`<form class="card" method="post" action="${safeUrl(v.action)}">
${appHeader(v.lang, v.app)}
<div class="perm"><p class="muted small">${t.asks}</p><p class="item">${t.profile}</p><p class="item muted small"><code>scope=${v.scope}</code></p></div>
<input type="hidden" name="request" value="${v.requestId}">
${userPicker(v.lang, t.pick, v.users, v.selectedUserId)}
<div class="actions btn-row">
<button class="btn primary" type="submit" name="decision" value="allow">${t.allow}</button>
<button class="btn" type="submit" name="decision" value="deny">${t.deny}</button>
</div>
${devNote(t.devTitle, html`<p>${t.dev}</p>`)}
</form>`
  return page({ lang: v.lang, title: t.title, body })
}
