import { html, raw, safeUrl } from './html.js'
import { texts } from './i18n.js'
import { page } from './layout.js'
import type { QrConnectView } from './views.js'

/**
 * Polls `data-status-url` every second, shows the element whose `data-state` matches the status
 * and navigates to `redirect` when the answer has one; reads the JSON whatever the HTTP status
 * (an unknown session answers 404 `{status: 'expired'}`). Static, so its CSP hash is stable.
 */
const POLL_SCRIPT = `(() => {
  const root = document.querySelector('[data-status-url]')
  if (!root) return
  const url = root.getAttribute('data-status-url')
  const states = Array.from(root.querySelectorAll('[data-state]'))
  const show = (status) => {
    if (!states.some((el) => el.getAttribute('data-state') === status)) return
    root.setAttribute('data-qr-state', status)
    for (const el of states) el.hidden = el.getAttribute('data-state') !== status
  }
  const tick = async () => {
    try {
      const res = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } })
      const body = await res.json()
      const status = body && typeof body.status === 'string' ? body.status : ''
      show(status)
      if (body && typeof body.redirect === 'string') {
        const next = new URL(body.redirect, location.href)
        if (next.protocol === 'http:' || next.protocol === 'https:') {
          location.assign(next.href)
          return
        }
      }
      if (status === 'expired' || status === 'denied') return
    } catch {}
    setTimeout(tick, 1000)
  }
  setTimeout(tick, 1000)
})()`

const T = {
  title: { zh: '微信登录', en: 'Log in with WeChat' },
  scan: { zh: '使用微信扫一扫登录', en: 'Scan with WeChat to log in' },
  scanned: { zh: '扫描成功', en: 'Scanned' },
  scannedHint: { zh: '请在微信中点击确认即可登录', en: 'Confirm on your phone to log in' },
  confirmed: { zh: '已确认，正在登录…', en: 'Confirmed, logging in…' },
  denied: { zh: '你已取消此次登录', en: 'You cancelled this login' },
  deniedHint: {
    zh: '你可再次扫描登录，或关闭窗口',
    en: 'Scan again to log in, or close this window',
  },
  expired: { zh: '二维码已失效', en: 'QR code expired' },
  refresh: { zh: '刷新页面', en: 'Refresh the page' },
  noscript: {
    zh: '未启用 JavaScript：页面不会自动更新。在手机上确认后，请刷新本页；或直接使用下面的“模拟扫码”。',
    en: 'JavaScript is off, so this page will not update by itself. After confirming on the phone, reload it, or use “Simulate scan” below.',
  },
  devTitle: { zh: '开发者（模拟器）', en: 'For developers (emulator)' },
  openConfirm: {
    zh: '在手机或另一个标签页中打开确认页：',
    en: 'Open the confirm page on a phone or in another tab:',
  },
  phoneHint: {
    zh: '用手机扫码时，手机必须能访问这个地址（例如 wxauth emulator --host 0.0.0.0 --public-url http://<局域网 IP>:8900）。',
    en: 'To scan with a real phone, the phone must reach this address (e.g. wxauth emulator --host 0.0.0.0 --public-url http://<LAN IP>:8900).',
  },
  simulate: { zh: '模拟扫码', en: 'Simulate scan' },
  simulateHint: {
    zh: '不用手机，一键模拟扫码。',
    en: 'Skip the phone: simulate the scan in one click.',
  },
}

/** Desktop QR login (`connect/qrconnect`): the QR code, live status, confirm link and "simulate scan". */
export function renderQrConnect(v: QrConnectView): string {
  const t = texts(v.lang, T)
  const refresh = html`<a href="">${t.refresh}</a>`
  const body = html`<section class="card" data-status-url="${safeUrl(v.statusUrl)}" data-qr-state="waiting">
<h1 class="center">${t.title}</h1>
<div class="qr-box">${raw(v.qrSvg)}</div>
<div class="qr-state" aria-live="polite">
<p data-state="waiting"><strong>${t.scan}</strong><span class="muted">${v.lang === 'zh' ? '「' : '“'}${v.app.name}${v.lang === 'zh' ? '」' : '”'}</span></p>
<p data-state="scanned" hidden><strong>${t.scanned}</strong><span class="muted">${t.scannedHint}</span></p>
<p data-state="confirmed" hidden><strong>${t.confirmed}</strong></p>
<p data-state="denied" hidden><strong>${t.denied}</strong><span class="muted">${t.deniedHint} · ${refresh}</span></p>
<p data-state="expired" hidden><strong>${t.expired}</strong>${refresh}</p>
</div>
<noscript><p class="note">${t.noscript}</p></noscript>
</section>
<section class="card">
<h2>${t.devTitle}</h2>
<p class="small">${t.openConfirm}<a class="url" href="${safeUrl(v.confirmUrl)}" target="_blank" rel="noopener noreferrer">${v.confirmUrl}</a></p>
<p class="small muted">${t.phoneHint}</p>
<form method="post" action="${safeUrl(v.simulateScanUrl)}">
<button class="btn primary" type="submit">${t.simulate}</button>
</form>
<p class="small muted center after-btn">${t.simulateHint}</p>
</section>`
  return page({ lang: v.lang, title: t.title, body, script: POLL_SCRIPT })
}
