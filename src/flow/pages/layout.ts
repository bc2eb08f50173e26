import { renderSVG } from 'uqr'
import { html, raw, type SafeHtml } from '../../emulator/pages/html.js'
import type { PageLang } from './negotiate.js'
import { STYLES } from './styles.js'

/**
 * The only script any page carries: it reveals the "copy link" buttons (hidden without script)
 * and copies the linked `<textarea>`'s text. Static; allowed by {@link COPY_SCRIPT_HASH}.
 */
export const COPY_SCRIPT =
  "document.querySelectorAll('button[data-copy]').forEach(function(b){var t=document.getElementById(b.getAttribute('data-copy'));if(!t)return;b.hidden=false;b.addEventListener('click',function(){var done=function(){b.textContent=b.getAttribute('data-done')};t.focus();t.select();if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t.value).then(done,function(){if(document.execCommand('copy'))done()})}else if(document.execCommand('copy'))done()})})"

/** CSP source of {@link COPY_SCRIPT}: base64 SHA-256, precomputed so the flow needs no crypto here (a test checks it). */
export const COPY_SCRIPT_HASH = "'sha256-4InbRyNXzsiMjSNSH0gFI/s3qVPAI+f2Gf5OU/WofZg='"

const POLICY = `default-src 'none'; script-src ${COPY_SCRIPT_HASH}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'`

/** The `Content-Security-Policy` header of every HTML page of the flow. */
export const PAGE_CSP = `${POLICY}; frame-ancestors 'none'`

/** The same policy in the document itself (`frame-ancestors` only works as a header). */
const META_CSP = POLICY

/** What {@link page} wraps into a document. */
export interface PageOptions {
  lang: PageLang
  title: string
  body: SafeHtml
  /** Include {@link COPY_SCRIPT}. */
  copyScript?: boolean
  /** Leave room at the bottom (WeChat's snapshot bar covers it). */
  tallBottom?: boolean
}

/** A complete HTML document: the shared styles, a restrictive CSP, no external resources. */
export function page(options: PageOptions): string {
  return html`<!doctype html>
<html lang="${options.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta http-equiv="Content-Security-Policy" content="${META_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<link rel="icon" href="data:,">
<title>${options.title}</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<main class="${options.tallBottom ? 'wrap tall-bottom' : 'wrap'}">
${options.body}
</main>
${options.copyScript ? raw(`<script>${COPY_SCRIPT}</script>`) : ''}
</body>
</html>
`.value
}

const ICONS = {
  info: '<svg class="icon" viewBox="0 0 56 56" aria-hidden="true"><circle cx="28" cy="28" r="28" fill="#e8f8ef"/><rect x="25.5" y="24" width="5" height="18" rx="2.5" fill="#07c160"/><circle cx="28" cy="16" r="3.2" fill="#07c160"/></svg>',
  notice:
    '<svg class="icon" viewBox="0 0 56 56" aria-hidden="true"><circle cx="28" cy="28" r="28" fill="#fff4e5"/><rect x="25.5" y="13" width="5" height="20" rx="2.5" fill="#f08c00"/><circle cx="28" cy="41" r="3.2" fill="#f08c00"/></svg>',
  warn: '<svg class="icon" viewBox="0 0 56 56" aria-hidden="true"><circle cx="28" cy="28" r="28" fill="#fdecec"/><rect x="25.5" y="13" width="5" height="20" rx="2.5" fill="#e5484d"/><circle cx="28" cy="41" r="3.2" fill="#e5484d"/></svg>',
  scan: '<svg class="icon" viewBox="0 0 56 56" aria-hidden="true"><circle cx="28" cy="28" r="28" fill="#e8f8ef"/><path d="M16 23v-4a3 3 0 0 1 3-3h4M33 16h4a3 3 0 0 1 3 3v4M40 33v4a3 3 0 0 1-3 3h-4M23 40h-4a3 3 0 0 1-3-3v-4M15 28h26" fill="none" stroke="#07c160" stroke-width="3" stroke-linecap="round"/></svg>',
  phone:
    '<svg class="icon" viewBox="0 0 56 56" aria-hidden="true"><circle cx="28" cy="28" r="28" fill="#e8f8ef"/><rect x="19" y="12" width="18" height="32" rx="4" fill="none" stroke="#07c160" stroke-width="3"/><path d="M25 39h6" stroke="#07c160" stroke-width="3" stroke-linecap="round"/></svg>',
} as const

/** A round page icon (inline SVG). */
export function icon(kind: keyof typeof ICONS): SafeHtml {
  return raw(ICONS[kind])
}

/**
 * An `<svg>` QR code of `text` (medium error correction, four-module quiet zone) labelled for
 * screen readers. uqr draws only paths, so no part of `text` appears as markup.
 */
export function qrCodeSvg(text: string, label = 'QR code'): string {
  const svg = renderSVG(text, { ecc: 'M', border: 4 })
  return svg.replace(
    /^<svg /,
    html`<svg role="img" aria-label="${label}" shape-rendering="crispEdges" `.value,
  )
}

/** `url` if it is an absolute `http:` or `https:` URL (something worth a QR code or a copy box), else `undefined`. */
export function absoluteHttpUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}
