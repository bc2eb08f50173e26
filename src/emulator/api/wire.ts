/** WeChat's JSON wire conventions: query-only parameters, `{errcode, errmsg}` errors with HTTP 200. */
import type { Ctx } from '../context.js'
import { errmsgFor } from '../errmsgs.js'
import type { Reply } from '../reply.js'

/** Thrown inside an API handler to answer a WeChat error. */
export class ApiError extends Error {
  readonly errcode: number
  /** @internal */
  constructor(errcode: number) {
    super(`errcode ${errcode}`)
    this.name = 'ApiError'
    this.errcode = errcode
  }
}

/** Whether a value contains control characters (never valid in WeChat's parameters). */
export function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

/** Longest accepted parameter value; longer values are treated as invalid. */
export const maxParamLength = 2048

/**
 * Reads a required query parameter. WeChat reads the query string only (a POST body is ignored).
 * Absent or empty → `missing`; duplicated, oversized or with control characters → `invalid`.
 */
export function need(url: URL, name: string, missing: number, invalid: number): string {
  const values = url.searchParams.getAll(name)
  if (values.length === 0 || values.every((v) => v === '')) throw new ApiError(missing)
  const v = values[0] as string
  if (values.length > 1 || v.length > maxParamLength || hasControl(v)) {
    throw new ApiError(invalid)
  }
  return v
}

/** Reads an optional query parameter; duplicated or oversized → `invalid`. */
export function optional(url: URL, name: string, invalid: number): string | undefined {
  const values = url.searchParams.getAll(name)
  if (values.length === 0 || (values.length === 1 && values[0] === '')) return undefined
  const v = values[0] as string
  if (values.length > 1 || v.length > maxParamLength) throw new ApiError(invalid)
  return v
}

function wxHeaders(ctx: Ctx): [string, string][] {
  return [
    ['Content-Type', ctx.env.behaviour.contentType],
    ['Cache-Control', 'no-store'],
  ]
}

/** A WeChat JSON success answer. */
export function wxJson(ctx: Ctx, body: object): Reply {
  return { status: 200, headers: wxHeaders(ctx), body: JSON.stringify(body) }
}

/** A WeChat JSON error answer: HTTP 200, `{errcode, errmsg}` with the rid suffix. */
export function wxError(ctx: Ctx, errcode: number, errmsg?: string, status = 200): Reply {
  const body = {
    errcode,
    errmsg: errmsg ?? errmsgFor(errcode, ctx.now, ctx.env.behaviour.errmsgStyle),
  }
  return {
    status,
    // Seen on real error answers: RetKey and LogicRet (= errcode).
    headers: [...wxHeaders(ctx), ['RetKey', '11'], ['LogicRet', String(errcode)]],
    body: JSON.stringify(body),
    errcode,
  }
}

/**
 * Allowed methods: WeChat documents GET; its GET endpoints also take POST (parameters still from
 * the query). Anything else, HEAD included, is 43001 before any processing: a HEAD must not
 * redeem a code. Call it first in every JSON handler.
 */
export function checkMethod(request: Request, allowed: 'GET' | 'POST'): void {
  const m = request.method
  if (allowed === 'GET' && m !== 'GET' && m !== 'POST') throw new ApiError(43001)
  if (allowed === 'POST' && m !== 'POST') throw new ApiError(43002)
}

/** Runs an API handler, turning {@link ApiError} into WeChat's JSON error answer. */
export async function api(ctx: Ctx, run: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof ApiError) return wxError(ctx, e.errcode)
    throw e
  }
}
