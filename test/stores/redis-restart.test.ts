// Runs redis-server processes of its own (never the shared one on 6379): restarts one mid-run,
// and starts one without GETDEL and one in cluster mode.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type RedisClient,
  redisStore,
  STORE_TIMEOUT,
  STORE_UNAVAILABLE,
  StoreError,
} from '../../src/stores/redis/index.js'
import { REDIS_SERVER, redisServerInstalled } from '../helpers/redis.js'

const installed = redisServerInstalled()
const TIMEOUT = 200
const MARGIN = 150
const servers = new Set<ChildProcess>()
const directories: string[] = []

afterAll(async () => {
  await Promise.all([...servers].map((server) => stop(server)))
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
})

if (!installed) {
  describe.skip('redis store against its own redis-server (not installed)', () => {
    it('needs redis-server', () => {})
  })
} else {
  describe('redis store across a redis-server restart', () => {
    interface Variant {
      connect(port: number): Promise<{ client: RedisClient; close(): Promise<void> }>
      /** Whether calls that failed during the outage can still run once Redis is back. */
      late: boolean
    }
    const ioredis = (port: number, failFast: boolean) => {
      const client = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        retryStrategy: (times) => Math.min(times * 50, 500),
        ...(failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : {}),
      })
      client.on('error', () => {})
      return client
    }
    const nodeRedis = (port: number, failFast: boolean) => {
      const reconnectStrategy = (retries: number) => Math.min(retries * 50, 500)
      const client = createClient({
        socket: { host: '127.0.0.1', port, reconnectStrategy },
        disableOfflineQueue: failFast,
      })
      client.on('error', () => {})
      return client
    }
    const variants: Record<string, Variant> = {
      'ioredis, fail-fast settings': {
        connect: async (port) => {
          const client = ioredis(port, true)
          await client.connect()
          return { client, close: async () => client.disconnect() }
        },
        late: false,
      },
      // ioredis queues commands while disconnected and cannot withdraw them: they run on reconnect.
      'ioredis, offline queue on': {
        connect: async (port) => {
          const client = ioredis(port, false)
          await client.connect()
          return { client, close: async () => client.disconnect() }
        },
        late: true,
      },
      'node-redis, fail-fast settings': {
        connect: async (port) => {
          const client = nodeRedis(port, true)
          await client.connect()
          return { client, close: async () => client.destroy() }
        },
        late: false,
      },
      // node-redis queues them too, but the store withdraws its unwritten commands at the timeout.
      'node-redis, offline queue on': {
        connect: async (port) => {
          const client = nodeRedis(port, false)
          await client.connect()
          return { client, close: async () => client.destroy() }
        },
        late: false,
      },
    }

    for (const [name, { connect, late }] of Object.entries(variants)) {
      it(`${name}: calls fail fast and typed while it is down, and work once it is back`, async () => {
        const port = await freePort()
        let server = await start(port)
        const { client, close } = await connect(port)
        try {
          const store = redisStore({ client, timeout: TIMEOUT })
          await store.set('tx', 'pending', 60_000)
          const held = await store.lock('refresh', 60_000)
          expect(held).toBeDefined()

          await stop(server, 'SIGKILL')
          const calls = [
            () => store.get('tx'),
            () => store.consume('tx'),
            () => store.set('written-while-down', 'v', 60_000),
            () => store.delete('tx'),
            () => store.lock('refresh', 60_000),
            () => held?.release(),
            () => store.add('added-while-down', 'v', 60_000),
            () => store.swap('added-while-down', 'v', 'swapped', 60_000),
          ]
          let failed = 0
          for (let round = 0; round < 2; round++) {
            for (const call of calls) {
              const started = performance.now()
              const error = await Promise.resolve(call()).then(
                () => undefined,
                (e: unknown) => e,
              )
              expect(performance.now() - started).toBeLessThan(TIMEOUT + MARGIN)
              expect(error).toBeInstanceOf(StoreError)
              expect([STORE_TIMEOUT, STORE_UNAVAILABLE]).toContain((error as StoreError).code)
              failed++
            }
          }
          expect(failed).toBe(2 * calls.length)

          server = await start(port)
          await eventually(async () => (await store.get('tx').catch(() => 'down')) !== 'down')
          // Persistence is off: the restart lost the data and the lock, as a failover may.
          expect(await store.get('tx')).toBeUndefined()
          expect(await held?.release()).toBe(false)
          expect(await store.get('written-while-down')).toBe(late ? 'v' : undefined)
          await store.delete('written-while-down')
          // Replayed in order once it was back: the add, then the swap from the added value (a
          // swap that failed may have replaced the value), then neither again.
          expect(await store.get('added-while-down')).toBe(late ? 'swapped' : undefined)
          expect(await store.add('added-while-down', 'w', 60_000)).toBe(!late)
          // A lock attempt that failed during the outage may have taken the lock once Redis came
          // back (the offline queue ran it), but the store queued its release right behind it:
          // no lock is left orphaned for its 60 s.
          const lock = await store.lock('refresh', 60_000)
          expect(lock).toBeDefined()
          await store.set('tx', 'again', 60_000)
          expect(await store.consume('tx')).toBe('again')
          expect(await lock?.release()).toBe(true)
        } finally {
          await close()
          await stop(server)
        }
      })
    }
  })

  describe('redis store against other servers', () => {
    it('finds out once that the server lacks GETDEL and consumes with Lua from then on', async () => {
      const port = await freePort()
      const server = await start(port, ['--rename-command', 'GETDEL', ''])
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true })
      client.on('error', () => {})
      await client.connect()
      try {
        const store = redisStore({ client })
        const errors = async () =>
          Number(
            /errorstat_ERR:count=(\d+)/.exec(
              String(await client.call('INFO', 'errorstats')),
            )?.[1] ?? 0,
          )
        const before = await errors()
        for (const value of ['one', 'two', 'three']) {
          await store.set('tx', value, 60_000)
          expect(await store.consume('tx')).toBe(value)
          expect(await store.consume('tx')).toBeUndefined()
        }
        expect(await errors()).toBe(before + 1)
      } finally {
        client.disconnect()
        await stop(server)
      }
    })

    it('works on Redis Cluster through an ioredis Cluster client, clear() on every master', async () => {
      const port = await freePort()
      const directory = mkdtempSync(join(tmpdir(), 'wxauth-redis-cluster-'))
      directories.push(directory)
      const server = await start(port, [
        '--cluster-enabled',
        'yes',
        '--cluster-announce-ip',
        '127.0.0.1',
        '--dir',
        directory,
      ])
      const admin = new Redis({ port, host: '127.0.0.1' })
      admin.on('error', () => {})
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')
      await eventually(async () =>
        /cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))),
      )
      const client = new Cluster([{ host: '127.0.0.1', port }], { lazyConnect: true })
      client.on('error', () => {})
      await client.connect()
      try {
        const store = redisStore({ client })
        const keys = Array.from({ length: 100 }, (_, i) => `session:${i}`)
        await Promise.all(keys.map((k) => store.set(k, k, 60_000)))
        expect(await store.consume('session:7')).toBe('session:7')
        expect(await store.add('session:7', 'again', 60_000)).toBe(true)
        expect(await store.add('session:8', 'again', 60_000)).toBe(false)
        expect(await store.consume('session:7')).toBe('again')
        expect(await store.swap('session:8', 'session:8', 'swapped', 60_000)).toBe(true)
        expect(await store.swap('session:9', 'session:8', 'swapped', 60_000)).toBe(false)
        expect(await store.get('session:8')).toBe('swapped')
        expect(await store.get('session:9')).toBe('session:9')
        const lock = await store.lock('refresh', 60_000)
        expect(await store.lock('refresh', 60_000)).toBeUndefined()
        expect(await lock?.release()).toBe(true)
        await store.lock('held', 60_000)
        expect(await store.clear()).toBe(100)
        expect(await admin.dbsize()).toBe(0)
      } finally {
        client.disconnect()
        admin.disconnect()
        await stop(server)
      }
    })
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

/** Starts redis-server on `port`, without persistence, and resolves once it answers. */
async function start(port: number, args: string[] = []): Promise<ChildProcess> {
  const server = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...args,
    ],
    { stdio: 'ignore' },
  )
  servers.add(server)
  server.on('exit', () => servers.delete(server))
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await eventually(async () => {
      if (server.exitCode !== null) throw new Error(`redis-server exited with ${server.exitCode}`)
      try {
        await probe.connect()
        return (await probe.ping()) === 'PONG'
      } catch {
        probe.disconnect()
        return false
      }
    })
  } finally {
    probe.disconnect()
  }
  return server
}

async function stop(server: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.kill(signal)
  await exited
}

async function eventually(check: () => Promise<boolean>, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeout} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
