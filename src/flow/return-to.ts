/**
 * Resolves where to send the user after login: only a path on this app's own origin. Anything else
 * (`//evil`, `/\evil`, schemes, control characters, encoded variants) falls back to `fallback`,
 * since an open redirector on the callback's domain would let anyone harvest WeChat codes.
 * @internal
 */
export function resolveReturnTo(value: string | null, origin: string, fallback: string): string {
  if (value === null || value === '' || value.length > 512) return fallback
  if (!value.startsWith('/') || value.startsWith('//')) return fallback
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    // Backslashes and control or space characters are read as "/" or dropped by browsers.
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return fallback
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(value)
  } catch {
    return fallback
  }
  if (decoded.startsWith('//') || decoded.includes('\\') || /^\/[^/]*:/.test(decoded))
    return fallback
  let url: URL
  try {
    url = new URL(value, origin)
  } catch {
    return fallback
  }
  // Dot segments can normalise into "//host" (e.g. "/..//evil.com").
  if (url.origin !== origin || url.pathname.startsWith('//')) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}
