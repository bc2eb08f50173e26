import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, describe, expect, it } from 'vitest'
import { runStoreConformance } from '../../src/stores/conformance/index.js'
import {
  type RedisClient,
  redisStore,
  STORE_TIMEOUT,
  STORE_UNAVAILABLE,
  StoreError,
} from '../../src/stores/redis/index.js'
import { REDIS_URL, START_REDIS } from '../helpers/redis.js'
import { need } from '../helpers/requirements.js'

const url = REDIS_URL
// Every key of this run lives under RUN; the worker processes of the conformance suite read it too.
// Short, as prefixes are at most 64 characters and the conformance suite adds up to 30.
const RUN = `wxauth-test:${crypto.randomUUID().slice(0, 8)}:`
process.env.WXAUTH_REDIS_TEST_PREFIX = RUN

// Under CI a missing Redis fails the file; elsewhere it skips, noted once for the whole run.
const reachable = need(await ping(), {
  tests: 'Redis tests',
  missing: `no Redis at ${url} (REDIS_URL)`,
  install: `apt-get install redis-server, then ${START_REDIS}`,
})

if (!reachable) {
  describe.skip(`redis store (no Redis at ${url})`, () => {
    it('needs a Redis server', () => {})
  })
} else {
  const clients = { ioredis: await ioredisClient(), 'node-redis': await nodeRedisClient() }
  const admin = await ioredisClient()
  const storeOn = (client: RedisClient, suffix: string, options: { timeout?: number } = {}) =>
    redisStore({ client, prefix: RUN + suffix, ...options })

  afterAll(async () => {
    await redisStore({ client: admin, prefix: RUN }).clear()
    await Promise.all([clients.ioredis.quit(), clients['node-redis'].close(), admin.quit()])
  })

  for (const [kind, client] of Object.entries(clients)) {
    runStoreConformance(
      `redis store (${kind})`,
      {
        create: ({ prefix }) => storeOn(client, prefix),
        processes: {
          module: fileURLToPath(new URL(`./workers/redis-${kind}.mjs`, import.meta.url)),
        },
      },
      { describe, it },
    )

    describe(`redis store (${kind})`, () => {
      it('a reply that arrived while the event loop was blocked beats the deadline', async () => {
        const timeout = 50
        const store = storeOn(client, `${kind}:blocked:`, { timeout })
        await store.set('k', 'v', 60_000)
        for (const call of [() => store.get('k'), () => store.lock('held', 60_000)]) {
          // Sends the command, then blocks the event loop for longer than the timeout with no
          // chance to read the socket in between: ioredis writes at once, node-redis from a
          // setImmediate queued before the one that blocks.
          const result = await new Promise<{ settled: Promise<unknown> }>((resolve) => {
            setImmediate(() => {
              const settled = call()
              settled.catch(() => {})
              const block = () => {
                const until = performance.now() + timeout * 4
                while (performance.now() < until) {
                  // The reply arrives meanwhile and waits on the socket.
                }
                resolve({ settled })
              }
              if (kind === 'ioredis') block()
              else setImmediate(block)
            })
          })
          await expect(result.settled).resolves.toBeDefined()
        }
      })

      it('consume falls back to a Lua script where GETDEL is missing, still atomically', async () => {
        const store = redisStore({ client, prefix: `${RUN}${kind}:lua:`, getdel: false })
        await store.set('a', 'one', 60_000)
        expect(await store.consume('a')).toBe('one')
        expect(await store.consume('a')).toBeUndefined()
        await store.set('race', 'won', 60_000)
        const results = await Promise.all(Array.from({ length: 50 }, () => store.consume('race')))
        expect(results.filter((r) => r !== undefined)).toEqual(['won'])
      })

      it('writes each key as prefix + key, with a TTL, and locks apart', async () => {
        const store = storeOn(client, `${kind}:layout:`)
        await store.set('tx:abc', 'v', 60_000)
        const lock = await store.lock('tx:abc', 60_000)
        expect(lock).toBeDefined()
        expect(await admin.get(`${RUN}${kind}:layout:tx:abc`)).toBe('v')
        const ttl = await admin.pttl(`${RUN}${kind}:layout:tx:abc`)
        expect(ttl).toBeGreaterThan(59_000)
        expect(ttl).toBeLessThanOrEqual(60_000)
        expect(await admin.get(`${RUN}${kind}:layout:\u0000lock:tx:abc`)).toBe(lock?.token)
        expect(await store.add('code:abc', 'seen', 30_000)).toBe(true)
        expect(await admin.get(`${RUN}${kind}:layout:code:abc`)).toBe('seen')
        const added = await admin.pttl(`${RUN}${kind}:layout:code:abc`)
        expect(added).toBeGreaterThan(29_000)
        expect(added).toBeLessThanOrEqual(30_000)
        expect(await store.add('code:abc', 'again', 60_000)).toBe(false)
        expect(await admin.pttl(`${RUN}${kind}:layout:code:abc`)).toBeLessThanOrEqual(added)
        expect(await store.swap('code:abc', 'seen', 'swapped', 45_000)).toBe(true)
        expect(await admin.get(`${RUN}${kind}:layout:code:abc`)).toBe('swapped')
        const swapped = await admin.pttl(`${RUN}${kind}:layout:code:abc`)
        expect(swapped).toBeGreaterThan(44_000)
        expect(swapped).toBeLessThanOrEqual(45_000)
        expect(await store.swap('code:abc', 'seen', 'again', 60_000)).toBe(false)
        expect(await admin.get(`${RUN}${kind}:layout:code:abc`)).toBe('swapped')
        expect(await admin.pttl(`${RUN}${kind}:layout:code:abc`)).toBeLessThanOrEqual(swapped)
        // A swap writes keys only: the lock of the same name keeps its token.
        expect(await store.swap('tx:abc', 'v', 'w', 60_000)).toBe(true)
        expect(await admin.get(`${RUN}${kind}:layout:\u0000lock:tx:abc`)).toBe(lock?.token)
      })

      it('clear() deletes only its own prefix, taken literally, over several SCAN pages', async () => {
        const mine = storeOn(client, `${kind}:p*?[ab]\\:`)
        // Unescaped, the pattern of `mine` would also match this prefix.
        const other = storeOn(client, `${kind}:pzzQa:`)
        const keys = Array.from({ length: 1_200 }, (_, i) => `k${i}`)
        await Promise.all(keys.map((k) => mine.set(k, 'v', 60_000)))
        await mine.lock('held', 60_000)
        await other.set('k1', 'kept', 60_000)
        const otherLock = await other.lock('held', 60_000)
        expect(await mine.clear()).toBe(1_201)
        expect(await mine.get('k1')).toBeUndefined()
        expect(await mine.lock('held', 60_000)).toBeDefined()
        expect(await other.get('k1')).toBe('kept')
        expect(await other.lock('held', 60_000)).toBeUndefined()
        expect(await otherLock?.release()).toBe(true)
      })

      it('reports Redis errors as STORE_UNAVAILABLE without keys or values', async () => {
        const store = storeOn(client, `${kind}:errors:`)
        await admin.lpush(`${RUN}${kind}:errors:session:SECRET-ID`, 'SECRET-VALUE')
        for (const call of [
          () => store.get('session:SECRET-ID'),
          () => store.consume('session:SECRET-ID'),
          () => store.swap('session:SECRET-ID', 'SECRET-EXPECTED', 'SECRET-NEW', 60_000),
        ]) {
          const error = await call().catch((e: unknown) => e)
          expect(error).toBeInstanceOf(StoreError)
          expect(error).toMatchObject({ code: STORE_UNAVAILABLE })
          expect((error as StoreError).message).toMatch(/WRONGTYPE/)
          expect(inspect(error, { depth: 10, showHidden: true })).not.toMatch(/SECRET/)
        }
      })

      it('bounds every call while the server is paused, then works again', async () => {
        const timeout = 150
        const store = storeOn(client, `${kind}:pause:`, { timeout })
        await store.set('tx', 'pending', 60_000)
        await store.set('token', 'old', 60_000)
        const unhandled: unknown[] = []
        const onUnhandled = (reason: unknown) => unhandled.push(reason)
        process.on('unhandledRejection', onUnhandled)
        try {
          await admin.call('CLIENT', 'PAUSE', '700', 'ALL')
          const started = performance.now()
          const outcomes = await Promise.allSettled([
            store.get('tx'),
            store.consume('tx'),
            store.set('other', 'v', 60_000),
            store.delete('other'),
            store.lock('refresh', 60_000),
            store.add('code', 'seen', 60_000),
            store.swap('token', 'old', 'new', 60_000),
          ])
          const elapsed = performance.now() - started
          for (const outcome of outcomes) {
            expect(outcome.status).toBe('rejected')
            const reason = (outcome as PromiseRejectedResult).reason
            expect(reason).toBeInstanceOf(StoreError)
            expect(reason).toMatchObject({ code: STORE_TIMEOUT })
          }
          expect(elapsed).toBeLessThan(timeout + 200)

          await eventually(
            async () => (await store.get('absent').catch(() => 'paused')) === undefined,
          )
          // The consume was sent before its timeout and ran once the pause ended: an ambiguous
          // consume has to be treated as consumed.
          expect(await store.get('tx')).toBeUndefined()
          // The lock's SET NX ran too, once the pause ended; the release the store sent right
          // behind it freed the lock, which nobody would otherwise hold for its 60 s.
          const lock = await store.lock('refresh', 60_000)
          expect(lock).toBeDefined()
          expect(await lock?.release()).toBe(true)
          // So did the add's SET NX: an add that failed is treated as taken.
          expect(await store.get('code')).toBe('seen')
          expect(await store.add('code', 'again', 60_000)).toBe(false)
          // And the swap's script: a swap that failed may have replaced the value.
          expect(await store.get('token')).toBe('new')
          expect(await store.swap('token', 'old', 'newer', 60_000)).toBe(false)
          await store.set('after', 'works', 60_000)
          expect(await store.consume('after')).toBe('works')
          // Late replies to the timed-out calls have arrived by now; none may surface.
          await new Promise((resolve) => setImmediate(resolve))
          expect(unhandled).toEqual([])
        } finally {
          process.off('unhandledRejection', onUnhandled)
        }
      })
    })
  }

  describe('redis store (ioredis specifics)', () => {
    it('respects a client keyPrefix, clear() included', async () => {
      const client = await ioredisClient({ keyPrefix: `${RUN}kp:` })
      try {
        const store = redisStore({ client, prefix: 'app:' })
        await store.set('a', 'one', 60_000)
        expect(await admin.get(`${RUN}kp:app:a`)).toBe('one')
        expect(await store.consume('a')).toBe('one')
        await store.set('b', 'two', 60_000)
        const lock = await store.lock('b', 60_000)
        expect(await lock?.release()).toBe(true)
        expect(await store.add('c', 'three', 60_000)).toBe(true)
        expect(await admin.get(`${RUN}kp:app:c`)).toBe('three')
        expect(await store.add('c', 'again', 60_000)).toBe(false)
        expect(await store.swap('c', 'three', 'four', 60_000)).toBe(true)
        expect(await admin.get(`${RUN}kp:app:c`)).toBe('four')
        expect(await store.swap('c', 'three', 'five', 60_000)).toBe(false)
        expect(await store.clear()).toBe(2)
        expect(await admin.exists(`${RUN}kp:app:b`)).toBe(0)
      } finally {
        await client.quit()
      }
    })

    it('fails fast with STORE_UNAVAILABLE on a closed client', async () => {
      const client = await ioredisClient()
      await client.quit()
      const store = redisStore({ client, timeout: 1_000 })
      const started = performance.now()
      await expect(store.get('k')).rejects.toMatchObject({
        code: STORE_UNAVAILABLE,
        operation: 'get',
      })
      expect(performance.now() - started).toBeLessThan(100)
    })
  })

  describe('redis store (node-redis specifics)', () => {
    it('fails fast with STORE_UNAVAILABLE on a closed client', async () => {
      const client = await nodeRedisClient()
      await client.close()
      const store = redisStore({ client, timeout: 1_000 })
      const started = performance.now()
      await expect(store.lock('k', 1_000)).rejects.toMatchObject({
        code: STORE_UNAVAILABLE,
        operation: 'lock',
      })
      expect(performance.now() - started).toBeLessThan(100)
    })
  })

  describe('redisStore() options', () => {
    const invalid = (call: () => unknown) =>
      expect(call).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
      )

    it('rejects a client of neither library, with a message that says what fits', () => {
      invalid(() => redisStore({ client: {} as RedisClient }))
      invalid(() => redisStore(undefined as never))
      expect(() => redisStore({ client: { get: () => {} } as never })).toThrow(
        /ioredis.*node-redis/,
      )
    })

    it('rejects a node-redis cluster instead of misrouting its commands', () => {
      const cluster = { sendCommand: async () => null, nodeClient: async () => null }
      expect(() => redisStore({ client: cluster as never })).toThrow(/cluster/)
    })

    it('rejects a prefix that is empty, too long, has no final colon or a control character', () => {
      invalid(() => redisStore({ client: admin, prefix: '' }))
      invalid(() => redisStore({ client: admin, prefix: 'app1' }))
      invalid(() => redisStore({ client: admin, prefix: `${'p'.repeat(64)}:` }))
      invalid(() => redisStore({ client: admin, prefix: 'app:\u0000lock:' }))
      invalid(() => redisStore({ client: admin, prefix: 'app\n:' }))
      invalid(() => redisStore({ client: admin, prefix: 'app\u0085:' }))
      invalid(() => redisStore({ client: admin, prefix: 'app\ud800:' }))
      invalid(() => redisStore({ client: admin, prefix: 42 as unknown as string }))
      expect(() => redisStore({ client: admin, prefix: 'app1' })).toThrow(/ending with ':'/)
      expect(redisStore({ client: admin, prefix: `${'p'.repeat(63)}:` }).prefix).toHaveLength(64)
      expect(redisStore({ client: admin, prefix: '应用:' }).prefix).toBe('应用:')
    })

    it('rejects a bad timeout', () => {
      invalid(() => redisStore({ client: admin, timeout: 0 }))
      invalid(() => redisStore({ client: admin, timeout: Number.NaN }))
    })

    it("defaults the prefix to 'wxauth:'", () => {
      expect(redisStore({ client: admin }).prefix).toBe('wxauth:')
    })
  })
}

async function ping(): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

async function ioredisClient(options: { keyPrefix?: string } = {}) {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    ...options,
  })
  client.on('error', () => {})
  await client.connect()
  return client
}

async function nodeRedisClient() {
  const client = createClient({ url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  return client
}

async function eventually(check: () => Promise<boolean>, timeout = 3_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
