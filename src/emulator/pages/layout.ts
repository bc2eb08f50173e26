import { createHash } from 'node:crypto'
import { html, raw, type SafeHtml } from './html.js'
import { htmlLang } from './i18n.js'
import { STYLES } from './styles.js'
import type { PageLang } from './views.js'

/** What {@link page} wraps into a document. */
export interface PageOptions {
  lang: PageLang
  /** Page title, without the emulator suffix. */
  title: string
  body: SafeHtml
  /** Trusted, static source of the page's only inline script; allowed by a CSP hash. */
  script?: string
  /** Extra classes for the `<main>` content column: `wide` (home page), `has-bar` (fixed bottom bar). */
  main?: string
}

const BANNER = { zh: 'wxauth 模拟器 · 这不是微信', en: 'wxauth emulator · not WeChat' }

function banner(lang: PageLang): SafeHtml {
  return html`<header class="emu-banner" role="note"><span>${BANNER[lang]}</span></header>`
}

function contentSecurityPolicy(script: string | undefined): string {
  const scriptSrc =
    script === undefined
      ? "'none'"
      : `'sha256-${createHash('sha256').update(script).digest('base64')}'`
  return `script-src ${scriptSrc}; object-src 'none'; base-uri 'none'`
}

/** A complete HTML document with the emulator banner, the shared styles and a script-restricting CSP. */
export function page(options: PageOptions): string {
  const suffix = options.lang === 'zh' ? 'wxauth 模拟器' : 'wxauth emulator'
  const doc = html`<!doctype html>
<html lang="${htmlLang(options.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.script)}">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${options.title} · ${suffix}</title>
<style>${raw(STYLES)}</style>
</head>
<body>
${banner(options.lang)}
<main class="${options.main ? `wrap ${options.main}` : 'wrap'}">
${options.body}
</main>
${options.script === undefined ? '' : raw(`<script>${options.script}</script>`)}
</body>
</html>
`
  return doc.value
}
