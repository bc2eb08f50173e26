import { invalidArgument } from '../../client/errors.js'

/** The part of an ioredis client (`Redis` or `Cluster`, v5 or later) that the Redis store uses. */
export interface IoRedisClient {
  call(command: string, ...args: string[]): Promise<unknown>
  readonly options?: { readonly keyPrefix?: string | undefined }
  /** Present on an ioredis `Cluster`. */
  nodes?(role: 'master'): IoRedisClient[]
}

/** The part of a node-redis client (`createClient()` of `redis` v4 or later) that the Redis store uses. */
export interface NodeRedisClient {
  sendCommand(
    args: string[],
    options?: { abortSignal?: AbortSignal; signal?: AbortSignal },
  ): Promise<unknown>
}

/** A connected client of either library, used as is: the store never connects or closes it. */
export type RedisClient = IoRedisClient | NodeRedisClient

/** One raw-command path over either client shape. @internal */
export interface Commands {
  /** Sends one command; an aborted `signal` withdraws it if it has not been written yet. */
  send(args: string[], signal?: AbortSignal): Promise<unknown>
  /** Whether `send` honours `signal`, which is worth an `AbortController` per call. */
  readonly abortable: boolean
  /** The prefix the client itself adds to keys (ioredis `keyPrefix`), which `SCAN` does not add. */
  readonly keyPrefix: string
  /** One connection per keyspace to scan: the client itself, or each master of a cluster. */
  shards(): Commands[]
}

/** @internal */
export function adapt(client: unknown): Commands {
  if (typeof client !== 'object' || client === null) {
    throw invalidArgument('client must be an ioredis or node-redis client')
  }
  if (typeof (client as IoRedisClient).call === 'function') return ioredis(client as IoRedisClient)
  if (typeof (client as { nodeClient?: unknown }).nodeClient === 'function') {
    throw invalidArgument(
      'client is a node-redis cluster, which is not supported: pass an ioredis Cluster or a single node-redis client',
    )
  }
  if (typeof (client as NodeRedisClient).sendCommand === 'function') {
    return nodeRedis(client as NodeRedisClient)
  }
  throw invalidArgument(
    'client must be an ioredis client (with call()) or a node-redis client (with sendCommand())',
  )
}

function ioredis(client: IoRedisClient): Commands {
  const commands: Commands = {
    send: (args) => client.call(...(args as [string, ...string[]])),
    abortable: false,
    keyPrefix: client.options?.keyPrefix ?? '',
    shards: () =>
      typeof client.nodes === 'function' ? client.nodes('master').map(ioredis) : [commands],
  }
  return commands
}

function nodeRedis(client: NodeRedisClient): Commands {
  const commands: Commands = {
    // node-redis v4 reads `signal`, v5 and later `abortSignal`.
    send: (args, signal) =>
      client.sendCommand(args, signal ? { abortSignal: signal, signal } : undefined),
    abortable: true,
    keyPrefix: '',
    shards: () => [commands],
  }
  return commands
}

/** A bulk-string reply as a string; `undefined` for a nil reply. @internal */
export function text(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply
  if (reply === null || reply === undefined) return undefined
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8')
  return String(reply)
}
