import { html, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { icon } from './parts.js'
import type { DemoCallbackView } from './views.js'

const T = {
  title: { zh: '演示回调', en: 'Demo callback' },
  ok: { zh: '登录成功', en: 'Logged in' },
  failed: { zh: '登录未完成', en: 'Login not completed' },
  arrived: { zh: '已收到回调', en: 'Callback received' },
  received: { zh: '回调收到的参数', en: 'What the callback received' },
  nothing: { zh: '没有参数。', en: 'No parameters.' },
  name: { zh: '名称', en: 'Name' },
  value: { zh: '值', en: 'Value' },
  error: { zh: '错误', en: 'Error' },
  home: { zh: '返回模拟器首页', en: 'Back to the emulator home' },
  explain: {
    zh: '这是模拟器自带的演示回调：它像你的应用一样，在服务端用 code 换取 access_token 并获取用户信息。令牌已隐去。',
    en: 'This is the emulator’s own demo callback: like your app would, it exchanges the code for an access_token server-side and fetches the user info. Tokens are redacted.',
  },
}

/** The emulator's demo callback: the query that arrived, then the exchange results or the error. */
export function renderDemoCallback(v: DemoCallbackView): string {
  const t = texts(v.lang, T)
  const failed = v.error !== undefined
  const done = !failed && (v.result?.length ?? 0) > 0
  const received =
    v.received.length === 0
      ? html`<p class="empty">${t.nothing}</p>`
      : html`<table>
<colgroup><col class="col-name"><col></colgroup>
<thead><tr><th scope="col">${t.name}</th><th scope="col">${t.value}</th></tr></thead>
<tbody>${v.received.map((p) => html`<tr><td><code>${p.name}</code></td><td><code>${p.value}</code></td></tr>`)}</tbody>
</table>`
  const body = html`<section class="msg">${icon(failed ? 'warn' : done ? 'success' : 'info')}<h1>${failed ? t.failed : done ? t.ok : t.arrived}</h1></section>
<p class="muted small">${t.explain}</p>
<section class="card"><h2>${t.received}</h2>${received}</section>
${failed ? html`<section class="card"><h2>${t.error}</h2><pre role="alert">${v.error}</pre></section>` : ''}
${(v.result ?? []).map((r) => html`<section class="card"><h2>${r.title}</h2><pre><code>${r.json}</code></pre></section>`)}
<div class="actions"><a class="btn" href="${safeUrl(v.homeUrl)}">${t.home}</a></div>`
  return page({ lang: v.lang, title: t.title, body })
}
