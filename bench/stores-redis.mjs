// Throughput of the Redis store (over ioredis) beside the raw ioredis client sending the same
// commands, against a loopback Redis. Run `npm run build` first, then:
//   node bench/stores-redis.mjs            (REDIS_URL defaults to redis://127.0.0.1:6379)
// Options (env): COUNT operations per round (10000), CONCURRENCY in flight (50), ROUNDS (15).
// Each round measures the store and the raw client back to back (in alternating order), and the
// ratio reported is the median of the rounds' ratios, which cancels out load from other processes.
import { Redis } from 'ioredis'

const { redisStore } = await import('wxauth/redis').catch(
  () => import('../dist/stores/redis/index.js'),
)

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const COUNT = Number(process.env.COUNT ?? 10_000)
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50)
const ROUNDS = Number(process.env.ROUNDS ?? 15)
const BUDGET = 120_000
const TTL = 60_000
const MINIMUM = 0.8
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  console.error(`Refusing to benchmark a non-loopback Redis (${url.hostname}).`)
  process.exit(2)
}

const client = new Redis(url.href, { lazyConnect: true, enableOfflineQueue: false })
client.on('error', () => {})
try {
  await client.connect()
} catch (error) {
  console.error(`No Redis at ${url.href}: ${error.message}`)
  process.exit(2)
}

const run = `wxauth-bench:${process.pid}:`
const store = redisStore({ client, prefix: `${run}store:` })
const raw = `${run}raw:`
const keys = Array.from({ length: COUNT }, (_, i) => `k${i}`)
const value = JSON.stringify({ appId: 'wx0123456789abcdef', redirectUri: 'https://example.com/cb' })
const deadline = Date.now() + BUDGET

/** Runs `op(i)` for i in [0, COUNT) with CONCURRENCY in flight; resolves ops per second. */
async function measure(op) {
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < COUNT) await op(next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return COUNT / ((performance.now() - started) / 1000)
}

const fill = (write) => measure((i) => write(keys[i]))

const cases = [
  {
    name: 'set',
    store: () => measure((i) => store.set(keys[i], value, TTL)),
    raw: () => measure((i) => client.set(raw + keys[i], value, 'PX', TTL)),
  },
  {
    name: 'get',
    prepare: () =>
      Promise.all([
        fill((k) => store.set(k, value, TTL)),
        fill((k) => client.set(raw + k, value, 'PX', TTL)),
      ]),
    store: () => measure((i) => store.get(keys[i])),
    raw: () => measure((i) => client.get(raw + keys[i])),
  },
  {
    name: 'consume',
    store: async () => {
      await fill((k) => store.set(k, value, TTL))
      return measure((i) => store.consume(keys[i]))
    },
    raw: async () => {
      await fill((k) => client.set(raw + k, value, 'PX', TTL))
      return measure((i) => client.getdel(raw + keys[i]))
    },
  },
  {
    // Into absent keys: each round deletes them first.
    name: 'add',
    store: async () => {
      await fill((k) => store.delete(`add:${k}`))
      return measure((i) => store.add(`add:${keys[i]}`, value, TTL))
    },
    raw: async () => {
      await fill((k) => client.del(`${raw}add:${k}`))
      return measure((i) => client.set(`${raw}add:${keys[i]}`, value, 'PX', TTL, 'NX'))
    },
  },
  {
    name: 'lock+release',
    store: () =>
      measure(async (i) => {
        const lock = await store.lock(keys[i], TTL)
        await lock.release()
      }),
    raw: () =>
      measure(async (i) => {
        const token = crypto.randomUUID()
        const name = `${raw}lock:${keys[i]}`
        await client.set(name, token, 'NX', 'PX', TTL)
        await client.eval(RELEASE, 1, name, token)
      }),
  },
]

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const rows = []
try {
  for (const c of cases) {
    await c.prepare?.()
    await c.store() // warm-up
    await c.raw()
    const results = { store: [], raw: [], ratio: [] }
    for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
      const order = round % 2 === 0 ? ['store', 'raw'] : ['raw', 'store']
      const pair = {}
      for (const side of order) pair[side] = await c[side]()
      results.store.push(pair.store)
      results.raw.push(pair.raw)
      results.ratio.push(pair.store / pair.raw)
    }
    rows.push({
      operation: c.name,
      store: median(results.store),
      raw: median(results.raw),
      ratio: median(results.ratio),
    })
  }
} finally {
  await store.clear()
  let cursor = '0'
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${raw}*`, 'COUNT', 1000)
    cursor = next
    for (const key of found) await client.del(key)
  } while (cursor !== '0')
  client.disconnect()
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(10)
console.log(
  `Redis store vs raw ioredis — ${url.host}, ${COUNT} ops/round, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds, Node ${process.version}`,
)
console.log(
  `${'operation'.padEnd(14)} ${'store ops/s'.padStart(12)} ${'raw ops/s'.padStart(12)}  ratio`,
)
for (const row of rows) {
  const flag = row.ratio < MINIMUM ? `  < ${MINIMUM}` : ''
  console.log(
    `${row.operation.padEnd(14)} ${fmt(row.store).padStart(12)} ${fmt(row.raw).padStart(12)}  ${row.ratio.toFixed(2)}${flag}`,
  )
}
process.exitCode = rows.every((row) => row.ratio >= MINIMUM) ? 0 : 1
