import { html, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import { appHeader, devNote } from './parts.js'
import type { SnapshotView } from './views.js'

const T = {
  title: { zh: '快照页', en: 'Snapshot page' },
  // WeChat's own words in Chinese.
  banner: {
    zh: '该网页需获取个人信息才可使用完整服务，当前仅可浏览部分内容',
    en: 'This page needs your personal information for the full service; for now you can only browse part of it.',
  },
  full: { zh: '使用完整服务', en: 'Use full service' },
  browse: {
    zh: '仅浏览（以快照虚拟用户继续）',
    en: 'Just browse (continue as the snapshot virtual user)',
  },
  devTitle: { zh: '开发者说明', en: 'For developers' },
  dev: {
    zh: '自 2022 年 7 月起，不规范使用 snsapi_userinfo 时，微信会打开“快照页”：不弹授权框，页面只能浏览。在快照页中得到的昵称、头像、openid、unionid 都是虚拟帐号数据，换取 access_token 的结果带有 is_snapshotuser: 1。点“使用完整服务”才会弹出真正的授权框。',
    en: 'Since July 2022, WeChat opens a “snapshot page” when snsapi_userinfo is used irregularly: no consent popup, the page is browse-only. The nickname, avatar, openid and unionid obtained there belong to a virtual account, and the token response carries is_snapshotuser: 1. “Use full service” opens the real consent popup.',
  },
}

/** The snapshot page (快照页): browse-only mode with WeChat's banner and the "使用完整服务" button. */
export function renderSnapshot(v: SnapshotView): string {
  const t = texts(v.lang, T)
  const body = html`<section class="card">
${appHeader(v.lang, v.app)}
<div class="skeleton" aria-hidden="true"></div><div class="skeleton" aria-hidden="true"></div><div class="skeleton short" aria-hidden="true"></div>
</section>
${devNote(t.devTitle, html`<p>${t.dev}</p>`)}
<p class="link-row"><a href="${safeUrl(v.browseUrl)}">${t.browse}</a></p>
<div class="snapshot-bar" role="region" aria-label="${t.full}">
<p>${t.banner}</p>
<a class="btn primary" href="${safeUrl(v.fullServiceUrl)}">${t.full}</a>
</div>`
  return page({ lang: v.lang, title: t.title, body, main: 'has-bar' })
}
