import { html, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { devNote, icon } from './parts.js'
import type { OpenInWeChatView } from './views.js'

const T = {
  title: { zh: '请在微信客户端打开链接', en: 'Open in WeChat' },
  // WeChat's own words in Chinese.
  heading: { zh: '请在微信客户端打开链接', en: 'Please open this link in the WeChat app' },
  wecom: {
    zh: '企业微信不支持微信公众号网页授权，请在微信客户端中打开此链接。',
    en: 'WeCom does not support WeChat web authorization. Open this link in the WeChat app.',
  },
  devTitle: { zh: '开发者说明', en: 'For developers' },
  devWeChat: {
    zh: '真实的微信只在微信内置浏览器（User-Agent 含 MicroMessenger）中处理网页授权链接，在普通浏览器中只显示上面这句话。模拟器按同样的规则检查 User-Agent。',
    en: 'Real WeChat handles web-authorization links only inside its in-app browser (User-Agent containing MicroMessenger); a normal browser just gets the sentence above. The emulator checks the User-Agent the same way.',
  },
  devWeCom: {
    zh: '此浏览器的 User-Agent 含 wxwork（企业微信）。在企业微信中无法使用微信公众号网页授权；请用微信客户端，或改用企业微信自己的登录。',
    en: 'This browser’s User-Agent contains wxwork (WeCom). WeChat Official Account web authorization does not work inside WeCom; use the WeChat app, or WeCom’s own login.',
  },
  devContinue: {
    zh: '本地开发时，可以在此浏览器中继续，模拟器会把它当作微信客户端。',
    en: 'For local development you can continue in this browser; the emulator will treat it as the WeChat app.',
  },
  continue: {
    zh: '在此浏览器中继续（本地开发）',
    en: 'Continue in this browser (local development)',
  },
}

/** "请在微信客户端打开链接": the authorize link was opened outside WeChat (or in WeCom). */
export function renderOpenInWeChat(v: OpenInWeChatView): string {
  const t = texts(v.lang, T)
  const body = html`<section class="msg">
${icon('info')}
<h1>${t.heading}</h1>
${v.wecom ? html`<p class="sub">${t.wecom}</p>` : ''}
</section>
${devNote(t.devTitle, html`<p>${v.wecom ? t.devWeCom : t.devWeChat}</p><p>${t.devContinue}</p>`)}
<div class="actions"><a class="btn" href="${safeUrl(v.continueUrl)}">${t.continue}</a></div>`
  return page({ lang: v.lang, title: t.title, body })
}
