/**
 * Cross-site request refusal for the emulator's own POST endpoints (its forms and scripting API):
 * another site must not pick the browser's WeChat user, answer its consent page or script it.
 */

/**
 * Why a write to `/__emulator/` comes from another site, or undefined when it comes from the
 * emulator's own pages (or from a script, which sends no browser headers at all).
 *
 * In order: `Sec-Fetch-Site` when present (only `same-origin` and `none` pass); else `Origin`
 * (its host must be one of `ownHosts`; `null` never is); else `Referer` the same way. A request
 * with none of the three is a script (curl, a test), which could forge them anyway.
 */
export function crossSiteReason(request: Request, ownHosts: readonly string[]): string | undefined {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null) {
    return site === 'same-origin' || site === 'none'
      ? undefined
      : `Sec-Fetch-Site is ${site.slice(0, 20)}`
  }
  const origin = request.headers.get('origin')
  if (origin !== null) return isOwn(origin, ownHosts) ? undefined : 'Origin is another site'
  const referer = request.headers.get('referer')
  if (referer !== null) return isOwn(referer, ownHosts) ? undefined : 'Referer is another site'
  return undefined
}

function isOwn(url: string, ownHosts: readonly string[]): boolean {
  const host = URL.parse(url)?.host
  return host !== undefined && host !== '' && ownHosts.includes(host)
}

/** The 403 body for a refused cross-site request. */
export function crossSiteError(reason: string): { error: string } {
  return {
    error: `forbidden: a cross-site request (${reason}). The emulator's forms and scripting API answer only its own pages, and scripts that send no Origin.`,
  }
}
