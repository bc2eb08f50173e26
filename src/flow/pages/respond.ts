import { PAGE_CSP } from './layout.js'
import { pageLang, wantsJson } from './negotiate.js'
import { renderProblem } from './pages.js'
import { type ProblemCode, problemJson, problemStatus } from './problems.js'

/** Headers every response of the flow carries (they win over any extra header of the same name). */
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
} as const

function withHeaders(extra: HeadersInit | undefined, own: Record<string, string>): Headers {
  const headers = new Headers(extra)
  for (const [name, value] of Object.entries({ ...COMMON_HEADERS, ...own })) {
    headers.set(name, value)
  }
  return headers
}

/**
 * An HTML page: `no-store`, `no-referrer`, `nosniff`, the page CSP (`frame-ancestors 'none'`)
 * and `X-Frame-Options: DENY`. `headers` adds more (e.g. `Set-Cookie`) but cannot weaken these.
 */
export function htmlResponse(html: string, status = 200, headers?: HeadersInit): Response {
  return new Response(html, {
    status,
    headers: withHeaders(headers, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_CSP,
      'X-Frame-Options': 'DENY',
    }),
  })
}

/** A JSON answer with the flow's common headers; `headers` adds more but cannot weaken them. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: withHeaders(headers, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    }),
  })
}

/** Options of {@link problemResponse}. */
export interface ProblemResponseOptions {
  /** Where the page's "Try again" button leads (HTML only). */
  retryUrl?: string
  /** Where "Back to the site" leads. */
  backUrl?: string
  /** Extra headers, e.g. `Allow`, `Retry-After`, `Set-Cookie`. */
  headers?: HeadersInit
}

/**
 * The response for an outcome code: `{ error, message }` JSON for API clients ({@link wantsJson}),
 * else the problem page, in the request's language, with the code's status. Varies on `Accept`
 * and `Accept-Language`.
 */
export function problemResponse(
  request: Request,
  code: ProblemCode,
  options: ProblemResponseOptions = {},
): Response {
  const lang = pageLang(request)
  const status = problemStatus(code)
  const response = wantsJson(request)
    ? jsonResponse(problemJson(code, lang), status, options.headers)
    : htmlResponse(
        renderProblem({ lang, code, retryUrl: options.retryUrl, backUrl: options.backUrl }),
        status,
        options.headers,
      )
  response.headers.append('Vary', 'Accept, Accept-Language')
  return response
}
