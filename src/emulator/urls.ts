/** URLs the emulator builds: its own control paths, avatars, and WeChat-style callback URLs. */

/** Prefix of everything that is the emulator's own, not WeChat's. */
export const controlPrefix = '/__emulator/'

/** Absolute URL of a user's avatar image. */
export function avatarUrl(base: string, userId: string): string {
  return `${base}${controlPrefix}avatar/${encodeURIComponent(userId)}.svg`
}

/**
 * Appends parameters to a redirect_uri as WeChat does: `?` or `&` depending on whether it already
 * has a query, placed before any `#fragment` (the string is otherwise kept exactly as given).
 */
export function appendParams(redirectUri: string, params: [string, string][]): string {
  const hash = redirectUri.indexOf('#')
  const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash)
  const fragment = hash === -1 ? '' : redirectUri.slice(hash)
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  const sep = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&'
  return `${base}${sep}${query}${fragment}`
}

/** The documented authorize URL (fixed parameter order, `#wechat_redirect`). */
export function authorizeUrl(
  base: string,
  path: '/connect/oauth2/authorize' | '/connect/qrconnect',
  p: { appid: string; redirectUri: string; scope: string; state: string },
): string {
  const q = [
    `appid=${encodeURIComponent(p.appid)}`,
    `redirect_uri=${encodeURIComponent(p.redirectUri)}`,
    'response_type=code',
    `scope=${encodeURIComponent(p.scope)}`,
    `state=${encodeURIComponent(p.state)}`,
  ]
  return `${base}${path}?${q.join('&')}#wechat_redirect`
}
