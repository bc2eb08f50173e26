/**
 * The default transport off Node (Bun, Deno, Cloudflare Workers, edge runtimes): the runtime's
 * own `fetch`. Node gets `default-transport.node.ts` instead, through the package's
 * `#default-transport` import.
 * @module
 */
import { fetchTransport, type Transport } from './transport.js'

/** @internal */
export function defaultTransport(): Transport {
  // Looked up on each call, not captured: a runtime or a test may install its fetch later.
  return fetchTransport((input, init) => globalThis.fetch(input, init))
}
