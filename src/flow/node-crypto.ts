/**
 * `node:crypto` where the runtime has it (Node, Bun, Deno), chosen through the package's
 * `#node-crypto` import by the `node` condition; elsewhere `no-node-crypto.ts` stands in, and
 * WebCrypto does the same work asynchronously.
 * @module
 */
import * as crypto from 'node:crypto'

/** @internal */
export const nodeCrypto: typeof crypto | undefined = crypto
