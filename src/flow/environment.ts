/**
 * Where a login request comes from, which decides the flow:
 * - `wechat`: WeChat's built-in browser (phone or PC WeChat) → official account authorization;
 * - `wecom`: WeCom (企业微信), which also says MicroMessenger but cannot do WeChat web authorization;
 * - `mobile`: a phone browser outside WeChat, where neither WeChat flow works;
 * - `desktop`: anything else → website QR login.
 */
export type Environment = 'wechat' | 'wecom' | 'mobile' | 'desktop'

const MOBILE =
  /Mobi|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony|Windows Phone|BlackBerry|Opera Mini/i

/** Classifies a request by its User-Agent. @internal */
export function environmentOf(userAgent: string | null): Environment {
  const ua = userAgent ?? ''
  // WeCom's agent contains MicroMessenger too, so it must be checked first.
  if (/\bwxwork\//i.test(ua)) return 'wecom'
  if (/\bMicroMessenger\//i.test(ua)) return 'wechat'
  return MOBILE.test(ua) ? 'mobile' : 'desktop'
}
