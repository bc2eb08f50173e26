// A Redis store over an ioredis client, for the conformance suite's lock test across processes.
// Imports the built package: run `npm run build` first.
import { Redis } from 'ioredis'
import { redisStore } from '../../../dist/stores/redis/index.js'

export default async function create({ prefix }) {
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  })
  client.on('error', () => {})
  await client.connect()
  const namespace = process.env.WXAUTH_REDIS_TEST_PREFIX ?? 'wxauth-test:'
  return {
    store: redisStore({ client, prefix: namespace + prefix }),
    close: async () => {
      await client.quit()
    },
  }
}
