import { html, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { appHeader, icon, userPicker } from './parts.js'
import type { QrConfirmView } from './views.js'

const T = {
  title: { zh: '微信登录确认', en: 'Confirm WeChat login' },
  asks: {
    zh: '该网站申请使用你的微信帐号登录，并获得你的公开信息（昵称、头像）',
    en: 'This website wants to log you in with your WeChat account and get your public profile (nickname and avatar)',
  },
  pick: { zh: '以哪个微信用户登录（模拟器）', en: 'Log in as (emulator user)' },
  allow: { zh: '允许', en: 'Allow' },
  deny: { zh: '拒绝', en: 'Deny' },
  confirmed: { zh: '已允许登录', en: 'Login allowed' },
  confirmedHint: { zh: '请回到电脑上继续。', en: 'Continue on the computer.' },
  denied: { zh: '已拒绝登录', en: 'Login denied' },
  deniedHint: { zh: '你可以关闭此页面。', en: 'You can close this page.' },
  expired: { zh: '二维码已失效', en: 'QR code expired' },
  expiredHint: {
    zh: '请在电脑上刷新二维码后重新扫描。',
    en: 'Refresh the QR code on the computer and scan it again.',
  },
}

/** The phone-side confirm page a QR code points at: user picker and Allow/Deny, or the outcome. */
export function renderQrConfirm(v: QrConfirmView): string {
  const t = texts(v.lang, T)
  if (v.state !== 'pending') {
    const [kind, title, hint] =
      v.state === 'confirmed'
        ? (['success', t.confirmed, t.confirmedHint] as const)
        : v.state === 'denied'
          ? (['notice', t.denied, t.deniedHint] as const)
          : (['warn', t.expired, t.expiredHint] as const)
    const body = html`<section class="msg">${icon(kind)}<h1>${title}</h1><p class="sub">${hint}</p></section>
${appHeader(v.lang, v.app)}`
    return page({ lang: v.lang, title: t.title, body })
  }
  const body = html`<form class="card" method="post" action="${safeUrl(v.action)}">
${appHeader(v.lang, v.app)}
<div class="perm"><p>${t.asks}</p></div>
${userPicker(v.lang, t.pick, v.users, v.selectedUserId)}
<div class="actions btn-row">
<button class="btn primary" type="submit" name="decision" value="allow">${t.allow}</button>
<button class="btn" type="submit" name="decision" value="deny">${t.deny}</button>
</div>
</form>`
  return page({ lang: v.lang, title: t.title, body })
}
