import { html, safeUrl } from './html.js'
import { kindLabel, texts } from './i18n.js'
import { page } from './layout.js'
import { userPicker } from './parts.js'
import type { HomeView, RequestView } from './views.js'

const T = {
  title: { zh: '首页', en: 'Home' },
  heading: { zh: 'wxauth 模拟器', en: 'wxauth emulator' },
  intro: {
    zh: '本地的微信登录模拟器：无需微信帐号即可开发和测试微信登录。它按文档重现微信的行为，但不是微信。',
    en: 'A local WeChat login emulator: develop and test WeChat login without a WeChat account. It reproduces WeChat’s documented behaviour, but it is not WeChat.',
  },
  demos: { zh: '试一试', en: 'Try it' },
  noDemos: { zh: '没有演示链接。', en: 'No demo links.' },
  users: { zh: '用户', en: 'Users' },
  current: {
    zh: '当前微信用户（静默授权 snsapi_base 使用此用户）',
    en: 'Current WeChat user (silent snsapi_base logins use this user)',
  },
  switch: { zh: '切换当前用户', en: 'Switch current user' },
  consents: { zh: '授权记录', en: 'Consents' },
  forget: { zh: '忘记授权记录', en: 'Forget consents' },
  apps: { zh: '应用', en: 'Apps' },
  noApps: { zh: '没有配置应用。', en: 'No apps configured.' },
  domains: { zh: '授权域名', en: 'Domains' },
  scopes: { zh: '授权作用域', en: 'Scopes' },
  unionid: { zh: 'UnionID', en: 'UnionID' },
  yes: { zh: '是（已绑定开放平台）', en: 'yes (bound to an open-platform account)' },
  no: { zh: '否', en: 'no' },
  secret: { zh: 'AppSecret', en: 'AppSecret' },
  none: { zh: '无', en: 'none' },
  requests: { zh: '最近的请求', en: 'Recent requests' },
  noRequests: { zh: '暂无请求。', en: 'No requests yet.' },
  time: { zh: '时间', en: 'Time' },
  request: { zh: '请求', en: 'Request' },
  status: { zh: '状态', en: 'Status' },
  connect: { zh: '连接', en: 'Connect' },
  connectText: {
    zh: '模拟器在同一个端口上同时提供 api.weixin.qq.com 和 open.weixin.qq.com 的路径。把这两个地址都指向它：',
    en: 'The emulator serves the paths of both api.weixin.qq.com and open.weixin.qq.com on one port. Point both base URLs at it:',
  },
}

function requestRow(r: RequestView): ReturnType<typeof html> {
  const failed = r.status >= 400 || (r.errcode !== undefined && r.errcode !== 0)
  return html`<tr>
<td><time>${r.time}</time></td>
<td><span class="method">${r.method}</span><code>${r.target}</code></td>
<td class="${failed ? 'status-err' : ''}">${r.status}${r.errcode === undefined ? '' : html`<br><span class="small" title="errcode">${r.errcode}</span>`}</td>
</tr>`
}

/** What the consents section says: how long WeChat remembers a consent, and how many are kept. */
function consentsText(v: HomeView): string {
  return v.lang === 'zh'
    ? `微信会记住用户对 snsapi_userinfo 的授权 ${v.consentDays} 天，期间再次授权不再弹出授权页。模拟器当前记住 ${v.consents} 条；忘记后授权页会再次出现。`
    : `WeChat remembers a snsapi_userinfo consent for ${v.consentDays} days: until then, authorizing again shows no consent page. The emulator remembers ${v.consents} now; forget them to see the consent page again.`
}

/** The emulator's home page: demos, users (and the current-user switch), consents, apps, recent requests, base URL. */
export function renderHome(v: HomeView): string {
  const t = texts(v.lang, T)
  const demos =
    v.demos.length === 0
      ? html`<p class="empty">${t.noDemos}</p>`
      : html`<div class="demos">${v.demos.map((d) => html`<a class="btn" href="${safeUrl(d.url)}">${d.label}</a>`)}</div>`
  const apps =
    v.apps.length === 0
      ? html`<p class="empty">${t.noApps}</p>`
      : html`<div class="grid">${v.apps.map(
          (a) => html`<article class="card">
<h3>${a.name} <span class="badge grey">${kindLabel(v.lang, a.kind)}</span></h3>
<dl class="kv">
<dt>AppID</dt><dd><code>${a.appId}</code></dd>
<dt>${t.domains}</dt><dd>${a.domains.length === 0 ? t.none : a.domains.map((d, i) => html`${i > 0 ? ', ' : ''}<code>${d}</code>`)}</dd>
<dt>${t.scopes}</dt><dd>${a.scopes.length === 0 ? t.none : a.scopes.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}</dd>
<dt>${t.unionid}</dt><dd>${a.unionid ? t.yes : t.no}</dd>
<dt>${t.secret}</dt><dd><code>${a.secretHint}</code></dd>
</dl>
</article>`,
        )}</div>`
  const users = html`<form method="post" action="${safeUrl(v.currentUserAction)}">
${userPicker(v.lang, t.current, v.users, v.currentUserId)}
${v.users.length === 0 ? '' : html`<div class="actions"><button class="btn primary inline" type="submit">${t.switch}</button></div>`}
</form>`
  const requests =
    v.requests.length === 0
      ? html`<p class="empty">${t.noRequests}</p>`
      : html`<div class="table-scroll"><table>
<colgroup><col class="col-time"><col><col class="col-status"></colgroup>
<thead><tr><th scope="col">${t.time}</th><th scope="col">${t.request}</th><th scope="col">${t.status}</th></tr></thead>
<tbody>${v.requests.map(requestRow)}</tbody>
</table></div>`
  const body = html`<div class="page-head"><h1>${t.heading}</h1><code>${v.baseUrl}</code></div>
<p class="muted small">${t.intro}</p>
<section class="card"><h2>${t.demos}</h2>${demos}</section>
<section class="card"><h2>${t.users}</h2>${users}</section>
<section class="card"><h2>${t.consents}</h2><p class="small">${consentsText(v)}</p>
<form method="post" action="${safeUrl(v.forgetConsentsAction)}"><div class="actions"><button class="btn inline" type="submit">${t.forget}</button></div></form></section>
<section class="card"><h2>${t.apps}</h2>${apps}</section>
<section class="card"><h2>${t.requests}</h2>${requests}</section>
<section class="card"><h2>${t.connect}</h2><p class="small">${t.connectText}</p>
<dl class="kv"><dt>apiBaseUrl</dt><dd><code>${v.baseUrl}</code></dd><dt>openBaseUrl</dt><dd><code>${v.baseUrl}</code></dd></dl></section>`
  return page({ lang: v.lang, title: t.title, body, main: 'wide' })
}
