/**
 * The default transport on Node: undici's `request()` over a shared keep-alive pool (see
 * `undici-transport.ts`), loaded on first use. Chosen through the package's `#default-transport`
 * import by the `node` condition, so that a bundle for any other runtime never sees undici.
 * @module
 */
import type { Transport } from './transport.js'

let nodeTransport: Promise<Transport> | undefined

/** @internal */
export function defaultTransport(): Transport {
  let loaded: Transport | undefined
  return (url, request) => {
    if (loaded) return loaded(url, request)
    nodeTransport ??= import('./undici-transport.js').then((module) => module.undiciRequest)
    return nodeTransport.then((transport) => {
      loaded = transport
      return transport(url, request)
    })
  }
}
