/** The emulator's internal answer (status, headers, text body) and its conversion to a Response. */

/** An answer before faults and conversion. `errcode` is recorded in the request log. */
export interface Reply {
  status: number
  headers: [string, string][]
  body: string
  errcode?: number
}

/**
 * Security headers on every HTML page. `same-origin`, not `no-referrer`: under `no-referrer` a
 * browser sends `Origin: null` with the pages' own form POSTs, which the cross-site check must
 * refuse (it is also what a sandboxed frame sends); other sites still get no Referer.
 */
const pageHeaders: [string, string][] = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['Cache-Control', 'no-store'],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'same-origin'],
  [
    'Content-Security-Policy',
    "default-src 'none'; img-src 'self' data: http: https:; style-src 'unsafe-inline'; " +
      "script-src 'unsafe-inline'; connect-src 'self'; form-action 'self' http: https:; " +
      "frame-ancestors 'none'; base-uri 'none'",
  ],
]

/** An HTML page. */
export function htmlReply(doc: string, status = 200, extra: [string, string][] = []): Reply {
  return { status, headers: [...pageHeaders, ...extra], body: doc }
}

/** Percent-encodes whatever a header value cannot carry (non-ASCII, spaces, control characters). */
export function headerSafe(url: string): string {
  return url.replace(/[^\x21-\x7e]/gu, (c) => {
    try {
      return encodeURIComponent(c)
    } catch {
      return '%EF%BF%BD'
    }
  })
}

/** A redirect (302 unless told) that never caches and never leaks a referrer. */
export function redirectReply(
  location: string,
  extra: [string, string][] = [],
  status = 302,
): Reply {
  return {
    status,
    headers: [
      ['Location', headerSafe(location)],
      ['Cache-Control', 'no-store'],
      ['Referrer-Policy', 'no-referrer'],
      ...extra,
    ],
    body: '',
  }
}

/** JSON for the emulator's own control API (not WeChat's format). */
export function controlReply(status: number, data: unknown): Reply {
  return {
    status,
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Cache-Control', 'no-store'],
    ],
    body: JSON.stringify(data),
  }
}

/** Plain text. */
export function textReply(status: number, text: string, extra: [string, string][] = []): Reply {
  return {
    status,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Cache-Control', 'no-store'],
      ...extra,
    ],
    body: text,
  }
}

/** Converts a reply to a Response. */
export function toResponse(reply: Reply, method: string): Response {
  const headers = new Headers()
  for (const [name, value] of reply.headers) headers.append(name, value)
  const noBody = method === 'HEAD' || reply.status === 204 || reply.status === 304
  return new Response(noBody || reply.body === '' ? null : reply.body, {
    status: reply.status,
    headers,
  })
}
