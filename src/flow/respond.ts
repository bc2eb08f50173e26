import type { ResolvedConfig } from './config.js'
import type { FlowRequest, FlowResponse } from './http.js'
import { type ProblemCode, problemResponse } from './pages/index.js'

/**
 * A redirect that keeps the URL it leaves (it may hold a code) out of caches and referrers.
 * @internal
 */
export function redirect(location: string, setCookies: string[], status = 303): FlowResponse {
  const headers: [string, string][] = [
    ['Location', location],
    ['Cache-Control', 'no-store'],
    ['Referrer-Policy', 'no-referrer'],
  ]
  for (const cookie of setCookies) headers.push(['Set-Cookie', cookie])
  return { status, headers, body: null }
}

/** A problem page (or JSON for API clients) with the flow's headers. @internal */
export function problem(
  request: FlowRequest,
  code: ProblemCode,
  retryUrl?: string,
  backUrl?: string,
): FlowResponse {
  return problemResponse(request, code, { retryUrl, backUrl })
}

/** The login link that starts again, carrying the return path and the attempt count. @internal */
export function restartUrl(config: ResolvedConfig, returnTo: string, attempt: number): string {
  const query = new URLSearchParams({ returnTo })
  if (attempt > 1) query.set('attempt', String(attempt))
  return `${config.basePath}/login?${query}`
}
