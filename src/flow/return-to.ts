/** Longest return path kept, in characters, after normalisation. */
const MAX_LENGTH = 512

/**
 * Resolves where to send the user after login: only a path on this app's own origin. Anything else
 * (`//evil`, `/\evil`, schemes, control characters, encoded variants) falls back to `fallback`,
 * since an open redirector on the callback's domain would let anyone harvest WeChat codes.
 * @internal
 */
export function resolveReturnTo(value: string | null, origin: string, fallback: string): string {
  if (value === null || !acceptable(value)) return fallback
  let url: URL
  try {
    url = new URL(value, origin)
  } catch {
    return fallback
  }
  if (url.origin !== origin) return fallback
  // Normalising can turn an acceptable value into one that is not: dot segments ("/%2e%2e/%2fevil"
  // becomes "/%2fevil", "//evil" once decoded) and percent-encoding (each non-ASCII character
  // grows ninefold). What is kept must pass the same checks.
  const path = `${url.pathname}${url.search}${url.hash}`
  return acceptable(path) ? path : fallback
}

/** Whether `value` is a path of this origin that no browser or proxy can read as another host. */
function acceptable(value: string): boolean {
  if (value === '' || value.length > MAX_LENGTH) return false
  if (!value.startsWith('/') || value.startsWith('//')) return false
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    // Backslashes and control or space characters are read as "/" or dropped by browsers.
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return false
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(value)
  } catch {
    return false
  }
  return !(decoded.startsWith('//') || decoded.includes('\\') || /^\/[^/]*:/.test(decoded))
}
