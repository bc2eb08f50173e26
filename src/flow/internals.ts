import type { FlowRequest, FlowResponse } from './http.js'
import type { Session, WxAuth } from './types.js'

/** The core's routes and session lookup without Web `Request`/`Response`, for the Node adapters. @internal */
export interface WxAuthInternals {
  handle(request: FlowRequest): Promise<FlowResponse | undefined>
  getSession(request: Pick<FlowRequest, 'headers'>): Promise<Session | null>
}

const registry = new WeakMap<WxAuth, WxAuthInternals>()

/** Records the internals of a core made by `createWxAuth`. @internal */
export function registerInternals(auth: WxAuth, internals: WxAuthInternals): void {
  registry.set(auth, internals)
}

/**
 * The internals of `auth` when `createWxAuth` (of this copy of wxauth) made it; `undefined` for
 * any other object with the {@link WxAuth} shape, which adapters then drive through `handle`.
 * @internal
 */
export function internalsOf(auth: WxAuth): WxAuthInternals | undefined {
  return registry.get(auth)
}
