import type { ResolvedConfig } from './config.js'
import { type ProblemCode, problemResponse } from './pages/index.js'

/**
 * A 303 redirect that keeps the URL it leaves (it may hold a code) out of caches and referrers.
 * @internal
 */
export function redirect(location: string, setCookies: string[]): Response {
  const headers = new Headers({
    Location: location,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  })
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie)
  return new Response(null, { status: 303, headers })
}

/** A problem page (or JSON for API clients) with the flow's headers. @internal */
export function problem(
  request: Request,
  code: ProblemCode,
  retryUrl?: string,
  backUrl?: string,
): Response {
  return problemResponse(request, code, {
    ...(retryUrl === undefined ? {} : { retryUrl }),
    ...(backUrl === undefined ? {} : { backUrl }),
  })
}

/** The login link that starts again, carrying the return path and the attempt count. @internal */
export function restartUrl(config: ResolvedConfig, returnTo: string, attempt: number): string {
  const query = new URLSearchParams({ returnTo })
  if (attempt > 1) query.set('attempt', String(attempt))
  return `${config.basePath}/login?${query}`
}
