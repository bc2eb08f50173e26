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
 * The language of WeChat's own pages: WeChat shows them in the client's language, which its
 * User-Agent carries as `Language/zh_CN` or `Language/en`. Other browsers use `Accept-Language`.
 */
export function pageLangOf(request: Request): 'zh' | 'en' {
  const ua = request.headers.get('user-agent') ?? ''
  const client = /\bLanguage\/([A-Za-z_-]+)/.exec(ua)?.[1]
  if (client) return client.toLowerCase().startsWith('zh') ? 'zh' : 'en'
  const accept = request.headers.get('accept-language') ?? ''
  const first = accept.split(',')[0]?.trim().toLowerCase() ?? ''
  return first === '' || first.startsWith('zh') ? 'zh' : 'en'
}
