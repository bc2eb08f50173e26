/** Which client a User-Agent belongs to (reference §13). */

/** WeChat, WeCom (企业微信, no WeChat web authorization) or anything else. */
export type ClientKind = 'wechat' | 'wecom' | 'other'

/** Classifies a User-Agent; WeCom also says MicroMessenger, so it is checked first. */
export function clientOf(userAgent: string | null): ClientKind {
  if (!userAgent) return 'other'
  if (/\bwxwork\//i.test(userAgent)) return 'wecom'
  return /\bMicroMessenger\//i.test(userAgent) ? 'wechat' : 'other'
}
