/**
 * `#node-crypto` on runtimes without `node:crypto` (Cloudflare Workers, edge runtimes, browsers):
 * nothing, so that sealing and digests go through WebCrypto and no bundle sees a Node module.
 * @module
 */
import type * as NodeCrypto from 'node:crypto'

/** @internal */
export const nodeCrypto: typeof NodeCrypto | undefined = undefined
