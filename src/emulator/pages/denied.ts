import { html } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { appHeader, devNote, icon } from './parts.js'
import type { DeniedView } from './views.js'

const T = {
  title: { zh: '已拒绝授权', en: 'Authorization refused' },
  heading: { zh: '你已拒绝授权', en: 'You refused to authorize' },
  text: {
    zh: '该应用没有获得你的微信帐号信息。你可以关闭此页面。',
    en: 'The app did not get your WeChat account information. You can close this page.',
  },
  devTitle: { zh: '开发者说明', en: 'For developers' },
  dev: {
    zh: '模拟器当前配置为：用户拒绝后不跳回 redirect_uri（据报告，公众号网页授权在用户取消时就是这样，应用无法得知）。',
    en: 'The emulator is configured not to redirect to redirect_uri when the user refuses (reportedly what Official Account web authorization does: the app never learns about the refusal).',
  },
}

/** Shown when the user refused and the emulator does not redirect on refusal. */
export function renderDenied(v: DeniedView): string {
  const t = texts(v.lang, T)
  const body = html`<section class="msg">${icon('notice')}<h1>${t.heading}</h1><p class="sub">${t.text}</p></section>
${appHeader(v.lang, v.app)}
${devNote(t.devTitle, html`<p>${t.dev}</p>`)}`
  return page({ lang: v.lang, title: t.title, body })
}
