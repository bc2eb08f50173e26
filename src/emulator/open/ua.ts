/** Which client a User-Agent belongs to (reference §13). */

/** WeChat, WeCom (企业微信, no WeChat web authorization) or anything else. */
export type ClientKind = 'wechat' | 'wecom' | 'other'

/** Classifies a User-Agent; WeCom also says MicroMessenger, so it is checked first. */
export function clientOf(userAgent: string | null): ClientKind {
  if (!userAgent) return 'other'
  if (/\bwxwork\//i.test(userAgent)) return 'wecom'
  return /\bMicroMessenger\//i.test(userAgent) ? 'wechat' : 'other'
}

/**
 * The language of the emulator's pages: WeChat shows its own in the client's language, which its
 * User-Agent carries as `Language/zh_CN` or `Language/en`; other browsers say theirs in
 * `Accept-Language` (the Chinese or English entry with the highest q wins). Chinese otherwise, as
 * WeChat.
 */
export function pageLangOf(request: Request): 'zh' | 'en' {
  const ua = request.headers.get('user-agent') ?? ''
  const client = /\bLanguage\/([A-Za-z_-]+)/.exec(ua)?.[1]
  if (client) return client.toLowerCase().startsWith('zh') ? 'zh' : 'en'
  return acceptedLang(request.headers.get('accept-language') ?? '')
}

function acceptedLang(header: string): 'zh' | 'en' {
  let best: { lang: 'zh' | 'en'; q: number } | undefined
  for (const part of header.slice(0, 512).split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';')
    const lang = tag.split('-')[0]
    if (lang !== 'zh' && lang !== 'en') continue
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q }
  }
  return best?.lang ?? 'zh'
}

/** The QR login page's language: its `lang` parameter (`cn` | `en`), else as {@link pageLangOf}. */
export function qrLangOf(url: URL, request: Request): 'zh' | 'en' {
  const lang = url.searchParams.get('lang')
  if (lang === 'en') return 'en'
  if (lang === 'cn') return 'zh'
  return pageLangOf(request)
}
