import type { FlowRequest, FlowResponse } from '../http.js'
import { PAGE_CSP } from './layout.js'
import { pageLang, wantsJson } from './negotiate.js'
import { renderProblem } from './pages.js'
import { type ProblemCode, problemJson, problemStatus } from './problems.js'

/** Extra response headers: a record, or pairs when a name repeats (`Set-Cookie`). */
export type ExtraHeaders = Record<string, string> | [name: string, value: string][]

/** Headers every response of the flow carries (they win over any extra header of the same name). */
const COMMON_HEADERS: [string, string][] = [
  ['Cache-Control', 'no-store'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
]
const HTML_HEADERS: [string, string][] = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ...COMMON_HEADERS,
  ['Content-Security-Policy', PAGE_CSP],
  ['X-Frame-Options', 'DENY'],
]
const JSON_HEADERS: [string, string][] = [
  ['Content-Type', 'application/json; charset=utf-8'],
  ...COMMON_HEADERS,
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
]
const fixedNames = (headers: [string, string][]) => new Set(headers.map(([n]) => n.toLowerCase()))
const HTML_NAMES = fixedNames(HTML_HEADERS)
const JSON_NAMES = fixedNames(JSON_HEADERS)

function withHeaders(
  own: [string, string][],
  names: Set<string>,
  extra: ExtraHeaders | undefined,
): [string, string][] {
  const headers = [...own]
  if (extra === undefined) return headers
  for (const [name, value] of Array.isArray(extra) ? extra : Object.entries(extra)) {
    if (!names.has(name.toLowerCase())) headers.push([name, value])
  }
  return headers
}

/**
 * An HTML page: `no-store`, `no-referrer`, `nosniff`, the page CSP (`frame-ancestors 'none'`)
 * and `X-Frame-Options: DENY`. `headers` adds more (e.g. `Set-Cookie`) but cannot weaken these.
 */
export function htmlResponse(html: string, status = 200, headers?: ExtraHeaders): FlowResponse {
  return { status, headers: withHeaders(HTML_HEADERS, HTML_NAMES, headers), body: html }
}

/** A JSON answer with the flow's common headers; `headers` adds more but cannot weaken them. */
export function jsonResponse(body: unknown, status = 200, headers?: ExtraHeaders): FlowResponse {
  return {
    status,
    headers: withHeaders(JSON_HEADERS, JSON_NAMES, headers),
    body: JSON.stringify(body),
  }
}

/** Options of {@link problemResponse}. */
export interface ProblemResponseOptions {
  /** Where the page's "Try again" button leads (HTML only). */
  retryUrl?: string | undefined
  /** Where "Back to the site" leads. */
  backUrl?: string | undefined
  /** Extra headers, e.g. `Allow`, `Retry-After`, `Set-Cookie`. */
  headers?: ExtraHeaders
}

/**
 * The response for an outcome code: `{ error, message }` JSON for API clients ({@link wantsJson}),
 * else the problem page, in the request's language, with the code's status. Varies on `Accept`
 * and `Accept-Language`.
 */
export function problemResponse(
  request: Pick<FlowRequest, 'headers'>,
  code: ProblemCode,
  options: ProblemResponseOptions = {},
): FlowResponse {
  const lang = pageLang(request)
  const status = problemStatus(code)
  const response = wantsJson(request)
    ? jsonResponse(problemJson(code, lang), status, options.headers)
    : htmlResponse(
        renderProblem({ lang, code, retryUrl: options.retryUrl, backUrl: options.backUrl }),
        status,
        options.headers,
      )
  response.headers.push(['Vary', 'Accept, Accept-Language'])
  return response
}
