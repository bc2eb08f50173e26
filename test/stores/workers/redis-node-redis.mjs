// A Redis store over a node-redis client, for the conformance suite's lock test across processes.
// Imports the built package: run `npm run build` first.
import { createClient } from 'redis'
import { redisStore } from '../../../dist/stores/redis/index.js'

export default async function create({ prefix }) {
  const client = createClient({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    disableOfflineQueue: true,
  })
  client.on('error', () => {})
  await client.connect()
  const namespace = process.env.WXAUTH_REDIS_TEST_PREFIX ?? 'wxauth-test:'
  return {
    store: redisStore({ client, prefix: namespace + prefix }),
    close: async () => {
      await client.close()
    },
  }
}
