import type * as NodeCrypto from 'node:crypto'

/**
 * `node:crypto` when the runtime has it (Node ≥ 20.16, Bun, Deno, workerd with `nodejs_compat`),
 * else `undefined` (edge runtimes), where WebCrypto does the same work asynchronously.
 * Loaded without an import, so that bundlers for the edge do not try to resolve it.
 * @internal
 */
export const nodeCrypto: typeof NodeCrypto | undefined = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined
