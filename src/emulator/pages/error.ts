import { html } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { devNote, icon } from './parts.js'
import type { ErrorView } from './views.js'

const T = {
  title: { zh: '出错了', en: 'Error' },
  explain: { zh: '说明（英文）', en: 'What it means' },
  hint: { zh: '开发者提示', en: 'Hint for developers' },
}

/** WeChat's authorize-page error: `错误码：NNNNN`, the Chinese message, the English explanation and the hint. */
export function renderError(v: ErrorView): string {
  const t = texts(v.lang, T)
  const code =
    v.errcode === undefined ? '' : html`<p class="sub" lang="zh-CN">错误码：${v.errcode}</p>`
  const body = html`<section class="msg">
${icon('warn')}
<h1 lang="zh-CN">${v.messageZh}</h1>
${code}
</section>
<section class="card">
<h2>${t.explain}</h2>
<p lang="en">${v.messageEn}</p>
${v.hint === undefined || v.hint === '' ? '' : devNote(t.hint, html`<p>${v.hint}</p>`)}
</section>`
  const title = v.errcode === undefined ? t.title : `${t.title} ${v.errcode}`
  return page({ lang: v.lang, title, body })
}
