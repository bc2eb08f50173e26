import { html } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { devNote, icon } from './parts.js'
import type { ErrorView } from './views.js'

const T = {
  title: { zh: '出错了', en: 'Error' },
  code: { zh: '错误码：', en: 'Error code: ' },
  hint: { zh: '开发者提示', en: 'Hint for developers' },
}

/** WeChat's authorize-page error: the message, `错误码：NNNNN` (or "Error code: NNNNN"), the case and the hint. */
export function renderError(v: ErrorView): string {
  const t = texts(v.lang, T)
  const code = v.errcode === undefined ? '' : html`<p class="sub">${t.code}${v.errcode}</p>`
  const detail =
    v.detail === undefined || v.detail === '' ? '' : html`<p class="sub">${v.detail}</p>`
  const body = html`<section class="msg">
${icon('warn')}
<h1>${v.message}</h1>
${code}
${detail}
</section>
${v.hint === undefined || v.hint === '' ? '' : devNote(t.hint, html`<p>${v.hint}</p>`)}`
  const title = v.errcode === undefined ? t.title : `${t.title} ${v.errcode}`
  return page({ lang: v.lang, title, body })
}
