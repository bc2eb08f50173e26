import { invalidArgument } from '../../client/errors.js'
import {
  ADMISSIONS_KEY,
  checkKey,
  checkLimit,
  checkPrefix,
  checkTtl,
  checkValue,
  LOCK_SEPARATOR,
} from '../arguments.js'
import type { Lock, Store } from '../store.js'
import { adapt, type Commands, type RedisClient, text } from './commands.js'
import { runner } from './deadline.js'
import { ADMIT, CONSUME, RELEASE, SWAP } from './scripts.js'

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** A connected ioredis or node-redis client; see {@link redisStore} for settings that fail fast. */
  client: RedisClient
  /**
   * Namespace of every key the store writes: 1 to 64 characters without control characters,
   * ending with `:`. Default `'wxauth:'`.
   */
  prefix?: string
  /** Longest wait for one operation, in ms. Default `500`. */
  timeout?: number
  /** @internal `false` forces the Lua fallback of `consume`, as on Redis before 6.2. */
  getdel?: boolean
}

/** A {@link Store} in Redis, with an extra for tests and maintenance. */
export interface RedisStore extends Store {
  /** The namespace of every key the store writes. */
  readonly prefix: string
  /**
   * Deletes every key under the prefix, locks included, using `SCAN` (never `KEYS`), and resolves
   * how many were deleted. Each command is bounded by the timeout; the whole sweep is not.
   */
  clear(): Promise<number>
}

const SCAN_COUNT = '500'

/**
 * A {@link Store} in Redis, for apps that run on several processes or machines. Takes a connected
 * client of ioredis (v5+, `Redis` or `Cluster`) or node-redis (v4+) and never connects, closes or
 * reconfigures it. Every command touches a single key, so the store works on Redis Cluster.
 *
 * Every operation settles within `timeout` ms: with its result, or with a {@link StoreError} whose
 * code is `STORE_TIMEOUT` or `STORE_UNAVAILABLE`. The operation may still take effect after it
 * failed; in particular a `consume` that failed may have deleted the value, so callers treat a
 * failed `consume` as consumed (the login restarts) and never retry it. A `lock` that failed sends
 * the release of its attempt right behind it, so a `SET` that still runs leaves no orphaned lock.
 * An `add` that failed may likewise have stored its value: callers treat the key as taken. A
 * `swap` that failed may have replaced the value: callers read the key again to learn which.
 *
 * Configure the client to fail fast while Redis is down instead of queueing commands until it
 * returns, and listen for its `error` events (node-redis otherwise crashes the process):
 * - ioredis: `new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1,
 *   autoResendUnfulfilledCommands: false, retryStrategy: (n) => Math.min(n * 50, 500),
 *   lazyConnect: true })` and `await client.connect()` before serving (without the queue, calls
 *   fail until connected). A queued or re-sent command cannot be withdrawn: it would run after the
 *   reconnect, long after it failed, on a server that may have restarted empty; the default
 *   reconnect schedule grows to 5 s, which the short cap keeps from delaying recovery.
 * - node-redis: `createClient({ disableOfflineQueue: true, socket: { reconnectStrategy: (n) =>
 *   Math.min(n * 50, 2000) } })`. With the offline queue on, the store withdraws its commands
 *   that are still queued at the timeout.
 *
 * @example
 * const client = new Redis(url, {
 *   enableOfflineQueue: false,
 *   maxRetriesPerRequest: 1,
 *   autoResendUnfulfilledCommands: false,
 *   retryStrategy: (attempt) => Math.min(attempt * 50, 500),
 *   lazyConnect: true,
 * })
 * await client.connect()
 * const store = redisStore({ client })
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('redisStore() needs an options object with a client')
  }
  const commands = adapt(options.client)
  const prefix = checkPrefix(options.prefix ?? 'wxauth:')
  const timeout = options.timeout ?? 500
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2_147_483_647)) {
    throw invalidArgument('timeout must be a positive number of milliseconds')
  }
  const run = runner(commands, timeout)
  const admissions = prefix + ADMISSIONS_KEY
  let getdel = options.getdel !== false

  const consumeByScript = (key: string) => ['EVAL', CONSUME, '1', key]
  const withoutGetdel = (key: string) => (error: unknown) => {
    if (!(error instanceof Error && /unknown command.*getdel/i.test(error.message)))
      return undefined
    getdel = false
    return consumeByScript(key)
  }

  function lock(name: string, token: string, expiresAt: number): Lock {
    const release = ['EVAL', RELEASE, '1', name, token]
    return { token, expiresAt, release: () => run('release', release, isOne) }
  }

  return {
    prefix,
    set(key, value, ttl) {
      let args: string[]
      try {
        args = ['SET', prefix + checkKey(key), checkValue(value), 'PX', String(checkTtl(ttl))]
      } catch (error) {
        return Promise.reject(error)
      }
      return run('set', args, ignore)
    },
    add(key, value, ttl) {
      let args: string[]
      try {
        args = ['SET', prefix + checkKey(key), checkValue(value), 'PX', String(checkTtl(ttl)), 'NX']
      } catch (error) {
        return Promise.reject(error)
      }
      // `OK` when stored, nil when the key holds a value (Redis expires keys itself).
      return run('add', args, isReply)
    },
    async admit(key, value, ttl, limit) {
      const name = prefix + checkKey(key)
      const data = checkValue(value)
      const lifetime = String(checkTtl(ttl))
      const count = String(checkLimit(limit))
      // Two commands, each on one key, so that the store still works on Redis Cluster. Counted
      // first: a SET that then fails leaves an admission counted for nothing, never one too few.
      const member = `${name}\u0000${crypto.randomUUID()}`
      const args = ['EVAL', ADMIT, '1', admissions, String(Date.now()), lifetime, count, member]
      if (!(await run('admit', args, isOne))) return false
      await run('admit', ['SET', name, data, 'PX', lifetime], ignore)
      return true
    },
    swap(key, expected, value, ttl) {
      let args: string[]
      try {
        const name = prefix + checkKey(key)
        const lifetime = String(checkTtl(ttl))
        args = ['EVAL', SWAP, '1', name, checkValue(expected), checkValue(value), lifetime]
      } catch (error) {
        return Promise.reject(error)
      }
      // GET, compare and SET … PX in one script: Redis runs it atomically, and expires keys itself.
      return run('swap', args, isOne)
    },
    get(key) {
      let args: string[]
      try {
        args = ['GET', prefix + checkKey(key)]
      } catch (error) {
        return Promise.reject(error)
      }
      return run('get', args, text)
    },
    consume(key) {
      let name: string
      try {
        name = prefix + checkKey(key)
      } catch (error) {
        return Promise.reject(error)
      }
      return getdel
        ? run('consume', ['GETDEL', name], text, withoutGetdel(name))
        : run('consume', consumeByScript(name), text)
    },
    delete(key) {
      let args: string[]
      try {
        args = ['DEL', prefix + checkKey(key)]
      } catch (error) {
        return Promise.reject(error)
      }
      return run('delete', args, ignore)
    },
    lock(key, ttl) {
      let name: string
      let lifetime: number
      try {
        name = prefix + LOCK_SEPARATOR + checkKey(key)
        lifetime = checkTtl(ttl)
      } catch (error) {
        return Promise.reject(error)
      }
      const token = crypto.randomUUID()
      const expiresAt = Date.now() + lifetime
      return run('lock', ['SET', name, token, 'NX', 'PX', String(lifetime)], (reply) =>
        reply === null || reply === undefined ? undefined : lock(name, token, expiresAt),
      ).catch((error: unknown) => {
        // The SET may still run after this failure (it is in the socket, or in the client's
        // offline queue) and hold the lock for its whole ttl with nobody to release it. Release
        // it right behind, on the same connection: a compare-and-delete with this attempt's
        // token, which deletes nothing when the SET never ran or someone else holds the lock.
        abandon(commands, ['EVAL', RELEASE, '1', name, token])
        throw error
      })
    },
    async clear() {
      let deleted = 0
      const { keyPrefix } = commands
      const pattern = `${escapeGlob(keyPrefix + prefix)}*`
      for (const shard of commands.shards()) {
        const scan = shard === commands ? run : runner(shard, timeout)
        let cursor = '0'
        do {
          const [next, keys] = await scan(
            'clear',
            ['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT],
            scanReply,
          )
          cursor = next
          const counts = await Promise.all(
            keys.map((key) => run('clear', ['DEL', key.slice(keyPrefix.length)], Number)),
          )
          for (const count of counts) deleted += count
        } while (cursor !== '0')
      }
      return deleted
    },
  }
}

/** Sends a command whose outcome nobody waits for; its failures are of no interest. */
function abandon(commands: Commands, args: string[]): void {
  try {
    commands.send(args).catch(ignore)
  } catch {
    // A client that throws instead of rejecting: the command was not sent.
  }
}

function ignore(): undefined {
  return undefined
}

function isReply(reply: unknown): boolean {
  return reply !== null && reply !== undefined
}

function isOne(reply: unknown): boolean {
  return Number(reply) === 1
}

/** `prefix` as a `SCAN MATCH` pattern that matches it literally. @internal */
export function escapeGlob(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, '\\$&')
}

function scanReply(reply: unknown): [string, string[]] {
  if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) {
    throw new TypeError('unexpected SCAN reply')
  }
  return [text(reply[0]) ?? '0', reply[1].map((key: unknown) => text(key) ?? '')]
}
