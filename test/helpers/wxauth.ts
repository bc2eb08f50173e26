/**
 * wxauth as the tests use it: `src/index.js` with `createClient` and `createWxAuth` observed for
 * the leak check (issue 7, item 4). Each is the library's own, given the same options, plus:
 * - its app secrets must carry the test canary (a default app from `./emulator.ts`, or
 *   `canarySecret()`), so that a leak of them is recognised;
 * - every `log` event is scanned before it reaches the test's own `log`, if any;
 * - every response of `auth.handle` is scanned (the app's responses: nothing in them may carry a
 *   secret), and every error its methods and the client's throw or reject with, however the test
 *   looks at it (message, stack, `cause` chain, `toJSON()`, inspection).
 * The wrappers only read (a clone of the response); requests, results and errors go through
 * untouched, and the objects stay the library's (adapters find a flow's internals by identity).
 */

import type {
  ClientLogEvent,
  ClientOptions,
  FlowEvent,
  WeChatClient,
  WxAuth,
  WxAuthConfig,
} from '../../src/index.js'
import * as wxauth from '../../src/index.js'
import { CANARY } from './canary.js'
import { captureError, captureLog, captureResponse } from './capture.js'

export * from '../../src/index.js'

/** Refuses a usable secret that the leak check could not recognise. */
function requireCanary(name: string, secret: unknown): void {
  if (typeof secret !== 'string' || secret.trim() === '' || secret.includes(CANARY)) return
  throw new Error(
    `${name} of a test must carry the test canary, so that the leak check can see it leak: use a default app of test/helpers/emulator.ts or canarySecret() of test/helpers/canary.ts`,
  )
}

/** The test's `log`, scanned first; options whose `log` is not a function are left as they are. */
function observedLog<E>(kind: string, log: unknown): ((event: E) => void) | undefined {
  if (log !== undefined && typeof log !== 'function') return undefined
  return captureLog<E>(kind, log as ((event: E) => void) | undefined)
}

/** Has what the methods `names` of `target` throw or reject with scanned, in place. */
function watchErrors<T extends object>(target: T, kind: string, names: readonly (keyof T)[]): void {
  const methods = target as Record<keyof T, unknown>
  for (const name of names) {
    const method = methods[name]
    if (typeof method !== 'function') continue
    const seen = (error: unknown): never => {
      captureError(kind, `${String(name)}()`, error)
      throw error
    }
    methods[name] = function (this: unknown, ...args: unknown[]) {
      let result: unknown
      try {
        result = method.apply(this, args)
      } catch (error) {
        seen(error)
      }
      return result instanceof Promise ? result.catch(seen) : result
    }
  }
}

/** `createClient` of the library, its log events and errors scanned. */
export function createClient(options: ClientOptions): WeChatClient {
  const log = observedLog<ClientLogEvent>('client log event', options?.log)
  const client = wxauth.createClient(log ? { ...options, log } : options)
  requireCanary('appSecret', options.appSecret)
  watchErrors(client, 'client error', [
    'authorizeUrl',
    'qrConnectUrl',
    'exchangeCode',
    'refreshToken',
    'checkToken',
    'getUserInfo',
    'code2Session',
  ])
  return client
}

/** `createWxAuth` of the library, its log events, errors and the responses of `handle` scanned. */
export function createWxAuth(config: WxAuthConfig): WxAuth {
  const log = observedLog<FlowEvent>('flow log event', config?.log)
  const auth = wxauth.createWxAuth(log ? { ...config, log } : config)
  requireCanary('apps.official.appSecret', config.apps?.official?.appSecret)
  requireCanary('apps.website.appSecret', config.apps?.website?.appSecret)
  const handle = auth.handle
  auth.handle = async (request) => {
    const response = await handle.call(auth, request)
    if (response) await captureResponse('app response', request.url, response, 'app')
    return response
  }
  watchErrors(auth, 'flow error', ['handle', 'getSession', 'getAccessToken'])
  return auth
}
